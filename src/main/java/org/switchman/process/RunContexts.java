package org.switchman.process;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.springframework.stereotype.Component;
import org.switchman.audit.JournalEntry;
import org.switchman.config.SwitchoverProperties;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.RunParameters;

/**
 * The run a step belongs to: the run id is the root process instance (a called process journals
 * into the run that called it), the step is the activity (with the multi-instance item when there
 * is one), the step instance is the engine's activity instance (new for every attempt of the step),
 * and the actor, mode and active datacenter are the run's frozen parameters ({@link
 * RunParameters}), written when the run started and out of reach of any task completion. The actor
 * is the authenticated user who started the run, never a variable.
 */
@Component("runContexts")
public class RunContexts {

  private final RunParameters parameters;

  public RunContexts(RunParameters parameters) {
    this.parameters = parameters;
  }

  public RunContext of(DelegateExecution execution) {
    return of(
        execution,
        execution.getCurrentActivityId() != null ? execution.getCurrentActivityId() : "run");
  }

  /**
   * @throws IllegalStateException when the run has no frozen mode: it was not started through its
   *     runbook's validation, and no step may guess whether to act for real
   */
  public RunContext of(DelegateExecution execution, String step) {
    String runId = runId(execution);
    java.util.Map<String, String> frozen =
        frozenOnly(
            runId,
            RunVariableNames.MODE,
            RunVariableNames.STARTER,
            RunVariableNames.ACTIVE_DATACENTER);
    String mode = frozen.get(RunVariableNames.MODE);
    if (mode == null) {
      throw new IllegalStateException(
          "Run "
              + runId
              + " has no validated mode: it did not start"
              + " through its runbook's checks, so no step acts for it");
    }
    return new RunContext(
        runId,
        step,
        frozen.getOrDefault(RunVariableNames.STARTER, "system"),
        ExecutionMode.parse(mode),
        frozen.get(RunVariableNames.ACTIVE_DATACENTER),
        execution.getActivityInstanceId());
  }

  /** The user who started the run, or {@code system} for a run started by the engine itself. */
  public String starter(DelegateExecution execution) {
    return parameters.get(runId(execution), RunVariableNames.STARTER).orElse("system");
  }

  /** The run's mode as frozen at its start, or {@code null} before that. */
  public String mode(DelegateExecution execution) {
    return parameters.get(runId(execution), RunVariableNames.MODE).orElse(null);
  }

  /** Every frozen parameter of the run, by name, read at once. */
  public java.util.Map<String, String> frozen(DelegateExecution execution) {
    return parameters.all(runId(execution));
  }

  /** Every frozen parameter of a run, by name, for code that holds the run's id only. */
  public java.util.Map<String, String> frozen(String runId) {
    return parameters.all(runId);
  }

  /**
   * The named frozen parameters of the run that are stored, by name: for a step that needs a few of
   * a run with many (a restart's thousands of per-host parameters), read one by one.
   */
  public java.util.Map<String, String> frozenOnly(DelegateExecution execution, String... names) {
    return frozenOnly(runId(execution), names);
  }

  /** The named frozen parameters of a run that are stored, for code that holds its id only. */
  public java.util.Map<String, String> frozenOnly(String runId, String... names) {
    java.util.Map<String, String> some = new java.util.HashMap<>();
    for (String name : names) {
      parameters.get(runId, name).ifPresent(value -> some.put(name, value));
    }
    return some;
  }

  /** A frozen parameter of the run, or {@code null}. */
  public String frozen(DelegateExecution execution, String name) {
    return parameters.get(runId(execution), name).orElse(null);
  }

  /**
   * Freezes a parameter of the run (the first value wins) and shows it as a process variable of the
   * same name, for forms and Cockpit; steps read the frozen value, never the variable.
   *
   * @return the frozen value
   */
  public String freeze(DelegateExecution execution, String name, String value) {
    String kept = parameters.freeze(runId(execution), name, value);
    execution.setVariable(name, kept);
    return kept;
  }

  /**
   * Freezes how long the run's approvals wait and when they remind ({@code approvalTimeout}, {@code
   * approvalReminder}), and when its operator decisions escalate ({@code decisionEscalationFirst},
   * {@code decisionEscalationInterval}): the settings as they are when the run starts, which its
   * diagram's timers read.
   */
  public void freezeDecisionTimes(DelegateExecution execution, SwitchoverProperties settings) {
    freeze(execution, RunVariableNames.APPROVAL_TIMEOUT, settings.approvalTimeout().toString());
    freeze(execution, RunVariableNames.APPROVAL_REMINDER, settings.approvalReminder().toString());
    freeze(execution, "decisionEscalationFirst", settings.decisionEscalationFirst().toString());
    freeze(
        execution, "decisionEscalationInterval", settings.decisionEscalationInterval().toString());
  }

  /**
   * Freezes a parameter of the run (the first value wins) without showing it as a variable: for a
   * value too long for one (the engine keeps at most 4,000 characters in a text variable), such as
   * a plan of a thousand hosts.
   */
  public void freezeUnshown(DelegateExecution execution, String name, String value) {
    parameters.freeze(runId(execution), name, value);
  }

  /** Stores a fact the run learns again on a retry (replacing the earlier one), and shows it. */
  public void record(DelegateExecution execution, String name, String value) {
    parameters.record(runId(execution), name, value);
    execution.setVariable(name, value);
  }

  /**
   * Stores a fact the run learns again on a retry, in the step's transaction, without showing it:
   * for facts of one part of a run that runs beside others (one host of a batch), where a shared
   * variable would make the parts collide.
   */
  public void recordUnshown(DelegateExecution execution, String name, String value) {
    parameters.record(runId(execution), name, value);
  }

  /**
   * Stores a fact the run learned just before changing the site, committed at once, so that the
   * step's failure or a crash after the change cannot lose it ({@link RunParameters#recordAtOnce}).
   * Not shown as a variable: the step shows what it learned when it completes.
   */
  public void recordAtOnce(DelegateExecution execution, String name, String value) {
    parameters.recordAtOnce(runId(execution), name, value);
  }

  /** The root process instance: the run that was started by a person. */
  /** Where a step's journal entries come from: its run, step, actor and mode. */
  public static JournalEntry.Origin origin(RunContext run) {
    return new JournalEntry.Origin(run.runId(), run.step(), run.actor(), run.mode().value());
  }

  public static String runId(DelegateExecution execution) {
    String root = ((ExecutionEntity) execution).getRootProcessInstanceId();
    return root != null ? root : execution.getProcessInstanceId();
  }

  /** Whether the execution belongs to the run's own process, not to one it called. */
  public static boolean isRoot(DelegateExecution execution) {
    return runId(execution).equals(execution.getProcessInstanceId());
  }

  public static String text(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null ? null : value.toString();
  }
}
