package org.switchman.audit.report;

import java.util.List;

/**
 * The runs that should hold a runbook lock now: every active run of a runbook that takes one. The
 * lock table compares them with the locks held, so that a run that lost its lock shows.
 */
public interface LockedRuns {

  /**
   * An active run and the lock it holds for its whole life.
   *
   * @param runId the run (root process instance)
   * @param processKey the run's runbook, e.g. {@code db-masters-read-only}
   * @param runbook the lock's runbook, e.g. {@code dc-switchover}
   * @param target what the lock protects
   * @param user who started the run
   * @param mode the run's mode as frozen at its start, or {@code null}
   */
  record LockedRun(
      String runId, String processKey, String runbook, String target, String user, String mode) {}

  /** Every active run that should hold a lock now. */
  List<LockedRun> active();

  /** No runs: for a lock table without an engine. */
  LockedRuns NONE = List::of;
}
