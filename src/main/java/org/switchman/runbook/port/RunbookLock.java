package org.switchman.runbook.port;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Lease-based locks in etcd, keyed by runbook and target (for example {@code dc-switchover} /
 * {@code mediawiki}, or {@code rolling-restart} / {@code eqiad/appserver}). A lock admits up to
 * {@code maxConcurrency} holders; each holder's key is tied to an etcd lease kept alive while the
 * holding node lives, so a crashed node's lock expires after its TTL instead of outliving it.
 *
 * <p>An administrator's release ({@link #forceRelease}) is remembered for the run until the run has
 * noticed it ({@link #forgetRevocation}): meanwhile the run's {@link #acquire} refuses with {@link
 * LockRevokedException}, so a run never silently takes back a lock that was taken away.
 */
public interface RunbookLock {

  /**
   * Who holds a lock.
   *
   * @param runId the run that holds it
   * @param user the user who started that run
   * @param since when it was taken
   */
  record Holder(String runId, String user, Instant since) {}

  /** A lock currently held, for the lock table. */
  record HeldLock(String runbook, String target, Holder holder, Duration ttl) {}

  /**
   * Takes the lock for a run, or confirms it when that run already holds it (so a resumed step can
   * call it again).
   *
   * @return {@code true} when the lock was taken now, {@code false} when the run held it already
   * @throws LockRevokedException when an administrator released the run's lock and the run has not
   *     acknowledged it yet ({@link #forgetRevocation})
   * @throws LockHeldException at once, naming the holders, when {@code maxConcurrency} other runs
   *     hold it
   */
  boolean acquire(String runbook, String target, Holder holder, int maxConcurrency, Duration ttl);

  /** Releases the run's hold; nothing happens when it holds none. */
  void release(String runbook, String target, String runId);

  /**
   * Releases the run's hold on an administrator's order and remembers it: until {@link
   * #forgetRevocation}, the run's {@link #acquire} fails with {@link LockRevokedException} instead
   * of taking the lock again.
   */
  void forceRelease(String runbook, String target, String runId);

  /**
   * Forgets a forced release of the run's lock, so that its next {@link #acquire} takes it again.
   */
  void forgetRevocation(String runbook, String target, String runId);

  /** The runs whose lock was force-released and who have not acknowledged it yet. */
  List<String> revoked(String runbook, String target);

  /** A forced release that its run has not acknowledged yet ({@link #forgetRevocation}). */
  record Revocation(String runbook, String target, String runId) {}

  /**
   * Every forced release not acknowledged yet, across runbooks and targets, in one read: what a
   * round over many locks asks instead of {@link #revoked} for each.
   */
  List<Revocation> revocations();

  List<Holder> holders(String runbook, String target);

  /** Every lock held now, across runbooks. */
  List<HeldLock> locks();

  /** A conflicting run holds the lock; the message names it. */
  class LockHeldException extends RuntimeException {
    private final List<Holder> holders;

    public LockHeldException(String runbook, String target, List<Holder> holders) {
      this(runbook + " on " + target + " is locked by " + describe(holders), holders);
    }

    protected LockHeldException(String message, List<Holder> holders) {
      super(message);
      this.holders = List.copyOf(holders);
    }

    public List<Holder> holders() {
      return holders;
    }

    private static String describe(List<Holder> holders) {
      StringBuilder text = new StringBuilder();
      for (Holder holder : holders) {
        if (text.length() > 0) {
          text.append(", ");
        }
        text.append("run ")
            .append(holder.runId())
            .append(" of ")
            .append(holder.user())
            .append(" since ")
            .append(holder.since());
      }
      return text.toString();
    }
  }

  /**
   * An administrator force-released the run's lock and the run has not acknowledged it; the run
   * must not take it back by itself. The holders are whoever holds the lock now (maybe nobody).
   */
  class LockRevokedException extends LockHeldException {
    public LockRevokedException(String runbook, String target, String runId, List<Holder> holders) {
      super(
          "an administrator force-released the lock "
              + runbook
              + " on "
              + target
              + " of run "
              + runId
              + (holders.isEmpty()
                  ? ""
                  : "; it is now held by " + LockHeldException.describe(holders)),
          holders);
    }
  }
}
