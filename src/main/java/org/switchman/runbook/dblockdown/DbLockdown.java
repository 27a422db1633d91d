package org.switchman.runbook.dblockdown;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.DbMasters;

/**
 * The DB master steps of a switchover, one section at a time (switchover phases 3 and 6; the
 * process runs the sections in parallel).
 *
 * <p>{@link #lockOldSite}: check that the new site's master is read-only (else both would take
 * writes), set the old site's master read-only, verify it, then wait until the new site's master
 * has caught up by the heartbeat rule. {@link #unlockNewSite}: check the old site's master is
 * read-only, set the new site's master read-write, verify.
 *
 * <p>Both are safe to run again after a crash: a master already in the wanted state is left alone
 * and the checks still run. In dry-run nothing is set, so the catch-up wait, which needs a
 * read-only old master, is not attempted: the result says so; the unlock does not require the old
 * site to be read-only either, since a dry-run never locked it.
 *
 * <p>In live-test (from the passive site towards the active one) the new site is the active one and
 * is writable by design, so its read-only check is skipped, and a failed catch-up is a warning in
 * the result rather than a failure, as in production.
 */
public final class DbLockdown {

  /**
   * What happened to one section.
   *
   * @param section the section
   * @param outcome performed, would (dry-run) or refused (live-test)
   * @param caughtUpAt the heartbeat that proved the catch-up, when it was checked
   * @param warning what was tolerated, e.g. a live-test catch-up that failed
   */
  public record SectionResult(
      String section,
      MutationOutcome outcome,
      Optional<Instant> caughtUpAt,
      Optional<String> warning) {

    public SectionResult(String section, MutationOutcome outcome, Optional<Instant> caughtUpAt) {
      this(section, outcome, caughtUpAt, Optional.empty());
    }
  }

  private final DbMasters masters;
  private final int catchUpAttempts;
  private final Duration catchUpInterval;

  /**
   * @param catchUpAttempts how often to look for a newer heartbeat before the check fails
   * @param catchUpInterval the pause between looks
   */
  public DbLockdown(DbMasters masters, int catchUpAttempts, Duration catchUpInterval) {
    this.masters = masters;
    this.catchUpAttempts = catchUpAttempts;
    this.catchUpInterval = catchUpInterval;
  }

  /**
   * Locks one section's old-site master and waits for the new site to catch up.
   *
   * @throws CheckFailedException when the new site's master is writable, the old one did not become
   *     read-only, or the new one did not catch up in time
   */
  public SectionResult lockOldSite(RunContext run, String section, String dcFrom, String dcTo) {
    if (run.mode() != ExecutionMode.LIVE_TEST) {
      requireReadOnly(
          section,
          dcTo,
          "new-site-read-only",
          "the "
              + dcTo
              + " master of "
              + section
              + " is read-write; locking "
              + dcFrom
              + " now would leave both sites writable or none consistent");
    }
    MutationOutcome outcome =
        masters.isReadOnly(section, dcFrom)
            ? MutationOutcome.PERFORMED
            : masters.setReadOnly(run, section, dcFrom, true);
    if (outcome != MutationOutcome.PERFORMED) {
      return new SectionResult(section, outcome, Optional.empty());
    }
    requireReadOnly(
        section,
        dcFrom,
        "old-site-read-only",
        "the " + dcFrom + " master of " + section + " is still read-write");
    try {
      Instant proof =
          masters.awaitCaughtUp(section, dcFrom, dcTo, catchUpAttempts, catchUpInterval);
      return new SectionResult(section, outcome, Optional.of(proof));
    } catch (CheckFailedException e) {
      if (run.mode() == ExecutionMode.LIVE_TEST) {
        // as in production: circular replication may not be set up for a live-test
        return new SectionResult(
            section, outcome, Optional.empty(), Optional.of("live-test: " + e.getMessage()));
      }
      throw e;
    }
  }

  /**
   * Makes one section's new-site master read-write.
   *
   * @throws CheckFailedException when the old site's master is writable or the new one stayed
   *     read-only
   */
  public SectionResult unlockNewSite(RunContext run, String section, String dcFrom, String dcTo) {
    if (run.mode() != ExecutionMode.DRY_RUN) {
      // in a dry-run the old site was never locked, so this check would always fail
      requireReadOnly(
          section,
          dcFrom,
          "old-site-read-only",
          "the "
              + dcFrom
              + " master of "
              + section
              + " is read-write; unlocking "
              + dcTo
              + " would make both sites writable");
    }
    MutationOutcome outcome =
        masters.isReadOnly(section, dcTo)
            ? masters.setReadOnly(run, section, dcTo, false)
            : MutationOutcome.PERFORMED;
    if (outcome == MutationOutcome.PERFORMED && masters.isReadOnly(section, dcTo)) {
      throw new CheckFailedException(
          "new-site-read-write", "the " + dcTo + " master of " + section + " is still read-only");
    }
    return new SectionResult(section, outcome, Optional.empty());
  }

  /**
   * Rolls a section back after an abort: the old site's master read-write again. Only valid while
   * the new site's master is read-only.
   */
  public SectionResult rollBack(RunContext run, String section, String dcFrom, String dcTo) {
    return unlockNewSite(run, section, dcTo, dcFrom);
  }

  /**
   * Undoes {@link #unlockNewSite} for one section after an abort: the new site's master read-only
   * again, as it was before. Read-only is the safe direction, so nothing is required of the old
   * site's master. Does nothing for a master that is read-only already.
   *
   * @throws CheckFailedException when the master stayed read-write
   */
  public SectionResult relockNewSite(RunContext run, String section, String dcTo) {
    if (masters.isReadOnly(section, dcTo)) {
      return new SectionResult(section, MutationOutcome.PERFORMED, Optional.empty());
    }
    MutationOutcome outcome = masters.setReadOnly(run, section, dcTo, true);
    if (outcome == MutationOutcome.PERFORMED && !masters.isReadOnly(section, dcTo)) {
      throw new CheckFailedException(
          "new-site-read-only", "the " + dcTo + " master of " + section + " is still read-write");
    }
    return new SectionResult(section, outcome, Optional.empty());
  }

  private void requireReadOnly(String section, String dc, String check, String message) {
    if (!masters.isReadOnly(section, dc)) {
      throw new CheckFailedException(check, message);
    }
  }
}
