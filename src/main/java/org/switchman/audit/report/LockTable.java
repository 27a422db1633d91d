package org.switchman.audit.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.port.RunbookLock;

/**
 * The runbook locks held now, the active runs that should hold one and do not, and the forced
 * release of a lock. Forcing is for a lock whose run is gone (a node died and the run was
 * cancelled) and must not wait for its lease: the caller must be an administrator (the web layer
 * checks), give a reason, and the release is journaled under the run that held the lock. A run that
 * is still active does not take a force-released lock back by itself: its next step asks an
 * operator (check {@code runbook-lock}).
 */
public class LockTable {

  /** A lock held by its run. */
  public static final String HELD = "held";

  /** An active run without its lock: force-released, lapsed, or held by another run. */
  public static final String LOST = "lost";

  /**
   * One lock, held or lost.
   *
   * @param runbook the runbook the lock is for
   * @param target what it protects
   * @param runId the holding run, or the run that lost it
   * @param user who started that run
   * @param since when the run took it; {@code null} for a lost lock
   * @param age how long it has been held; {@code null} for a lost lock
   * @param ttl how long the lease lives without a renewal; {@code null} for a lost lock
   * @param status {@value #HELD} or {@value #LOST}
   * @param detail for a lost lock, how: force-released, lapsed, or held by another run
   */
  public record Row(
      String runbook,
      String target,
      String runId,
      String user,
      Instant since,
      Duration age,
      Duration ttl,
      String status,
      String detail) {}

  private final RunbookLock locks;
  private final LockedRuns runs;
  private final Journal journal;
  private final Clock clock;

  /**
   * @param locks the lock store, or {@code null} when none is configured
   */
  public LockTable(RunbookLock locks, Journal journal, Clock clock) {
    this(locks, LockedRuns.NONE, journal, clock);
  }

  /**
   * @param locks the lock store, or {@code null} when none is configured
   * @param runs the runs that should hold a lock now
   */
  public LockTable(RunbookLock locks, LockedRuns runs, Journal journal, Clock clock) {
    this.locks = locks;
    this.runs = runs;
    this.journal = journal;
    this.clock = clock;
  }

  public boolean available() {
    return locks != null;
  }

  /** The locks held, oldest first, then the active runs that lost theirs. */
  public List<Row> rows() {
    if (locks == null) {
      return List.of();
    }
    Instant now = clock.instant();
    List<Row> rows = new ArrayList<>();
    List<RunbookLock.HeldLock> held = locks.locks();
    for (RunbookLock.HeldLock lock : held) {
      rows.add(
          new Row(
              lock.runbook(),
              lock.target(),
              lock.holder().runId(),
              lock.holder().user(),
              lock.holder().since(),
              Duration.between(lock.holder().since(), now),
              lock.ttl(),
              HELD,
              null));
    }
    rows.sort(Comparator.comparing(Row::since));
    Map<String, List<String>> revoked = new HashMap<>();
    for (LockedRuns.LockedRun run : runs.active()) {
      boolean holds =
          held.stream()
              .anyMatch(
                  lock ->
                      lock.runbook().equals(run.runbook())
                          && lock.target().equals(run.target())
                          && lock.holder().runId().equals(run.runId()));
      if (holds) {
        continue;
      }
      List<String> forced =
          revoked.computeIfAbsent(
              run.runbook() + "/" + run.target(),
              key -> locks.revoked(run.runbook(), run.target()));
      List<String> others =
          held.stream()
              .filter(
                  lock ->
                      lock.runbook().equals(run.runbook()) && lock.target().equals(run.target()))
              .map(lock -> lock.holder().runId())
              .toList();
      String how =
          forced.contains(run.runId())
              ? "force-released by an administrator; the run"
                  + " asks an operator before its next step"
              : !others.isEmpty()
                  ? "held by run " + String.join(", ", others)
                  : "lapsed (its lease expired); taken back for the run within seconds once etcd answers";
      rows.add(
          new Row(
              run.runbook(), run.target(), run.runId(), run.user(), null, null, null, LOST, how));
    }
    return rows;
  }

  /**
   * Releases a run's hold on a lock and journals who did it and why.
   *
   * @throws InvalidRequestException when the reason is missing or the run holds no such lock;
   *     nothing is released then
   */
  public void forceRelease(
      String runbook, String target, String runId, String admin, String reason) {
    List<String> problems = new ArrayList<>();
    if (reason == null || reason.isBlank()) {
      problems.add("a reason is required to force-release a lock");
    }
    if (locks == null) {
      problems.add("no lock store is configured");
    } else if (runbook == null
        || target == null
        || runId == null
        || locks.holders(runbook, target).stream()
            .noneMatch(holder -> holder.runId().equals(runId))) {
      problems.add("run " + runId + " holds no lock " + runbook + " on " + target);
    }
    if (!problems.isEmpty()) {
      throw InvalidRequestException.of("Lock not released", problems);
    }
    locks.forceRelease(runbook, target, runId);
    journal.append(
        JournalKind.LOCK.entry(
            new JournalEntry.Origin(runId, "lock-table", admin, "live"),
            runbook + "/" + target,
            "force-release lock " + runbook + " on " + target,
            RunReports.FORCE_RELEASED,
            reason.strip()));
  }
}
