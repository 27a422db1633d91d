package org.switchman.audit.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.port.RunbookLock;

/**
 * The runbook locks held now, and their forced release. Forcing is for a lock whose run is gone
 * (a node died and the run was cancelled) and must not wait for its lease: the caller must be an
 * administrator (the web layer checks), give a reason, and the release is journaled under the run
 * that held the lock.
 */
public class LockTable {

  /**
   * One held lock.
   *
   * @param runbook the runbook the lock is for
   * @param target what it protects
   * @param runId the holding run
   * @param user who started that run
   * @param since when the run took it
   * @param age how long it has been held
   * @param ttl how long the lease lives without a renewal
   */
  public record Row(String runbook, String target, String runId, String user, Instant since,
      Duration age, Duration ttl) {}

  private final RunbookLock locks;
  private final Journal journal;
  private final Clock clock;

  /** @param locks the lock store, or {@code null} when none is configured */
  public LockTable(RunbookLock locks, Journal journal, Clock clock) {
    this.locks = locks;
    this.journal = journal;
    this.clock = clock;
  }

  public boolean available() {
    return locks != null;
  }

  public List<Row> rows() {
    if (locks == null) {
      return List.of();
    }
    Instant now = clock.instant();
    List<Row> rows = new ArrayList<>();
    for (RunbookLock.HeldLock held : locks.locks()) {
      rows.add(new Row(held.runbook(), held.target(), held.holder().runId(), held.holder().user(),
          held.holder().since(), Duration.between(held.holder().since(), now), held.ttl()));
    }
    rows.sort(Comparator.comparing(Row::since));
    return rows;
  }

  /**
   * Releases a run's hold on a lock and journals who did it and why.
   *
   * @throws InvalidRequestException when the reason is missing or the run holds no such lock;
   *     nothing is released then
   */
  public void forceRelease(String runbook, String target, String runId, String admin, String reason) {
    List<String> problems = new ArrayList<>();
    if (reason == null || reason.isBlank()) {
      problems.add("a reason is required to force-release a lock");
    }
    if (locks == null) {
      problems.add("no lock store is configured");
    } else if (runbook == null || target == null || runId == null
        || locks.holders(runbook, target).stream().noneMatch(holder -> holder.runId().equals(runId))) {
      problems.add("run " + runId + " holds no lock " + runbook + " on " + target);
    }
    if (!problems.isEmpty()) {
      throw InvalidRequestException.of("Lock not released", problems);
    }
    locks.release(runbook, target, runId);
    journal.append(new JournalEntry.Draft(runId, "lock-table", admin, "live", RunReports.LOCK,
        runbook + "/" + target, "force-release lock " + runbook + " on " + target,
        RunReports.FORCE_RELEASED, reason.strip(), null, null));
  }
}
