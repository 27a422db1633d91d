package org.switchman.audit.report;

import java.time.Instant;

/**
 * One run as the runs list shows it.
 *
 * @param runId the run (root process instance) id
 * @param runbook the runbook's process key, e.g. {@code dc-switchover}
 * @param runbookName the runbook's name
 * @param definitionVersion the version of the diagram the run executed
 * @param target what the run acts on: {@code eqiad → codfw} for a switchover, else its target
 * @param mode {@code live}, {@code live-test} or {@code dry-run}
 * @param startedBy who started it
 * @param reason the reason given at start
 * @param ticket the ticket given at start
 * @param startedAt when it started
 * @param endedAt when it ended, or {@code null} while it runs
 * @param state {@code running}, {@code completed}, {@code cancelled} or {@code suspended}
 * @param outcome the run's business outcome ({@code switched-over}, {@code rolled-back}, …) when it
 *     recorded one, else its state
 * @param readOnlyWindow the read-only window, or {@code null} when the run had none
 * @param deployment the deployment the run executed; set in a run's record and report, {@code null}
 *     in the runs list
 * @param findings what the run itself reported when it ended (a restart: how many hosts it
 *     restarted, and each host it left depooled, deferred or did not reach, with why), or {@code
 *     null}
 */
public record RunSummary(
    String runId,
    String runbook,
    String runbookName,
    int definitionVersion,
    String target,
    String mode,
    String startedBy,
    String reason,
    String ticket,
    Instant startedAt,
    Instant endedAt,
    String state,
    String outcome,
    ReadOnlyWindow readOnlyWindow,
    RunDeployment deployment,
    String findings) {

  /** A summary without its deployment, as the runs list shows it. */
  public RunSummary(
      String runId,
      String runbook,
      String runbookName,
      int definitionVersion,
      String target,
      String mode,
      String startedBy,
      String reason,
      String ticket,
      Instant startedAt,
      Instant endedAt,
      String state,
      String outcome,
      ReadOnlyWindow readOnlyWindow) {
    this(
        runId,
        runbook,
        runbookName,
        definitionVersion,
        target,
        mode,
        startedBy,
        reason,
        ticket,
        startedAt,
        endedAt,
        state,
        outcome,
        readOnlyWindow,
        null,
        null);
  }

  public static final String RUNNING = "running";
  public static final String COMPLETED = "completed";
  public static final String CANCELLED = "cancelled";
  public static final String SUSPENDED = "suspended";

  public boolean running() {
    return endedAt == null;
  }

  public RunSummary withDeployment(RunDeployment deployment) {
    return new RunSummary(
        runId,
        runbook,
        runbookName,
        definitionVersion,
        target,
        mode,
        startedBy,
        reason,
        ticket,
        startedAt,
        endedAt,
        state,
        outcome,
        readOnlyWindow,
        deployment,
        findings);
  }

  /** The same summary with what the run reported when it ended. */
  public RunSummary withFindings(String findings) {
    return new RunSummary(
        runId,
        runbook,
        runbookName,
        definitionVersion,
        target,
        mode,
        startedBy,
        reason,
        ticket,
        startedAt,
        endedAt,
        state,
        outcome,
        readOnlyWindow,
        deployment,
        findings);
  }
}
