package org.switchman.process.switchover;

/** The process variables of {@code dc-switchover} and the database lockdown processes. */
final class SwitchoverVars {

  // start form (forms/dc-switchover-start.form)
  static final String DC_FROM = "dcFrom";
  static final String DC_TO = "dcTo";
  static final String REASON = "reason";
  static final String TICKET = "ticket";
  static final String READ_ONLY_BUDGET = "readOnlyBudget";
  static final String IN_FLIGHT_GRACE = "inFlightGrace";
  static final String WARM_UP_CACHES = "warmUpCaches";

  // set when the run starts
  /** The process key of the run's own runbook, for the header of its task forms. */
  static final String RUNBOOK = "runbook";

  static final String IN_FLIGHT_GRACE_SECONDS = "inFlightGraceSeconds";
  static final String SECTIONS = "sections";
  static final String APPROVAL_TIMEOUT = "approvalTimeout";
  static final String APPROVAL_REMINDER = "approvalReminder";

  /** When an operator decision inside the read-only window is first escalated, then how often. */
  static final String DECISION_ESCALATION_FIRST = "decisionEscalationFirst";

  static final String DECISION_ESCALATION_INTERVAL = "decisionEscalationInterval";

  /** How often an overrun of the read-only budget is escalated again. */
  static final String READ_ONLY_OVERRUN_INTERVAL = "readOnlyOverrunInterval";

  // set by the steps
  static final String ORIGINAL_TTLS = "originalTtls";
  static final String OLD_TTL_WAIT = "oldTtlWait";
  static final String PRE_CHECKS = "preChecks";
  static final String PLAN = "plan";
  static final String MAINTENANCE_WAS_RUNNING = "maintenanceWasRunning";
  static final String READ_ONLY_STARTED_AT = "readOnlyStartedAt";
  static final String READ_ONLY_ENDED_AT = "readOnlyEndedAt";
  static final String READ_ONLY_WINDOW_MILLIS = "readOnlyWindowMillis";
  static final String READ_ONLY_BUDGET_EXCEEDED = "readOnlyBudgetExceeded";
  static final String STOP_REASON = "stopReason";
  static final String OUTCOME = "outcome";

  // a failed check, for the operator decision task
  static final String FAILED_CHECK = "failedCheck";
  static final String FAILURE_MESSAGE = "failureMessage";
  static final String FAILED_STEP = "failedStep";

  /** The state of the site read when a step failed, one part per line, for the decision form. */
  static final String SITE_STATE = "siteState";

  static final String SECTION = "section";

  /** The BPMN error a failed check raises; every decision boundary catches it. */
  static final String CHECK_FAILED = "CHECK_FAILED";

  private SwitchoverVars() {}
}
