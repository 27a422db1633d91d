package org.switchman.process;

import java.util.List;

/**
 * The names of the process variables (and of the run parameters frozen from them) that every
 * runbook shares, for the delegates, the engine plugins, the run history and the forms' keys alike.
 * The names that only one runbook uses live beside its delegates ({@code SwitchoverVars}).
 */
public final class RunVariableNames {

  // the start form
  /** {@code live}, {@code live-test} or {@code dry-run}. */
  public static final String MODE = "mode";

  public static final String REASON = "reason";
  public static final String TICKET = "ticket";

  // set when the run starts
  /** The user who started the run, as the engine authenticated them. */
  public static final String STARTER = "starter";

  /** The process key of the run's own runbook, for the header of its task forms. */
  public static final String RUNBOOK = "runbook";

  /** The datacenter that was primary when the run started. */
  public static final String ACTIVE_DATACENTER = "activeDatacenter";

  // how the run ended
  public static final String OUTCOME = "outcome";

  /** What a run reports when it ends, for the run's report page (a restart's hosts and why). */
  public static final String FINDINGS = "report";

  public static final String STOP_REASON = "stopReason";

  // approval and decision tasks
  /** GO or NOGO at an approval; retry, skip or abort at an operator decision. */
  public static final String DECISION = "decision";

  /** How long an approval may wait before it counts as NOGO (ISO-8601). */
  public static final String APPROVAL_TIMEOUT = "approvalTimeout";

  /** When the approvers are reminded of a waiting approval (ISO-8601). */
  public static final String APPROVAL_REMINDER = "approvalReminder";

  /** The note of an approval. */
  public static final String COMMENT = "comment";

  /** Why an operator skipped or aborted. */
  public static final String JUSTIFICATION = "justification";

  // a failed check, for the operator decision task
  public static final String FAILED_CHECK = "failedCheck";
  public static final String FAILURE_MESSAGE = "failureMessage";
  public static final String FAILED_STEP = "failedStep";

  /** The state of the site read when a step failed, one part per line, for the decision form. */
  public static final String SITE_STATE = "siteState";

  /**
   * What a failed step records for its decision ({@code StepRunner}), in variables of the run. A
   * run whose steps fail side by side creates them empty when it starts, so that two failures
   * update one variable (the engine retries the later one) instead of creating it twice.
   */
  public static final List<String> FAILURE =
      List.of(FAILED_CHECK, FAILURE_MESSAGE, FAILED_STEP, SITE_STATE);

  /** The database section a multi-instance step works on. */
  public static final String SECTION = "section";

  private RunVariableNames() {}
}
