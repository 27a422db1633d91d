package org.switchman.process.switchover;

/**
 * The process variables that only {@code dc-switchover} and the database lockdown processes use;
 * the shared ones are in {@link org.switchman.process.RunVariableNames}.
 */
public final class SwitchoverVars {

  // start form (forms/dc-switchover-start.form)
  public static final String DC_FROM = "dcFrom";
  public static final String DC_TO = "dcTo";
  public static final String READ_ONLY_BUDGET = "readOnlyBudget";
  public static final String IN_FLIGHT_GRACE = "inFlightGrace";
  public static final String WARM_UP_CACHES = "warmUpCaches";

  // set when the run starts
  public static final String IN_FLIGHT_GRACE_SECONDS = "inFlightGraceSeconds";
  public static final String SECTIONS = "sections";

  /** When an operator decision inside the read-only window is first escalated, then how often. */
  public static final String DECISION_ESCALATION_FIRST = "decisionEscalationFirst";

  public static final String DECISION_ESCALATION_INTERVAL = "decisionEscalationInterval";

  /** How often an overrun of the read-only budget is escalated again. */
  public static final String READ_ONLY_OVERRUN_INTERVAL = "readOnlyOverrunInterval";

  // set by the steps
  public static final String ORIGINAL_TTLS = "originalTtls";
  public static final String OLD_TTL_WAIT = "oldTtlWait";
  public static final String PRE_CHECKS = "preChecks";
  public static final String PLAN = "plan";
  public static final String MAINTENANCE_WAS_RUNNING = "maintenanceWasRunning";
  public static final String READ_ONLY_STARTED_AT = "readOnlyStartedAt";

  /** When the run first began to change the master datacenter (frozen, ISO instant). */
  public static final String MASTER_CHANGE_STARTED_AT = "masterChangeStartedAt";

  /** How long phase 4 still waits, after its DNS check, for the master change to settle. */
  public static final String MASTER_CHANGE_SETTLE_WAIT = "masterChangeSettleWait";

  public static final String READ_ONLY_ENDED_AT = "readOnlyEndedAt";
  public static final String READ_ONLY_WINDOW_MILLIS = "readOnlyWindowMillis";
  public static final String READ_ONLY_BUDGET_EXCEEDED = "readOnlyBudgetExceeded";

  /** The BPMN error a failed check raises; every decision boundary catches it. */
  public static final String CHECK_FAILED = org.switchman.process.steps.StepRunner.CHECK_FAILED;

  private SwitchoverVars() {}
}
