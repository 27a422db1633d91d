package org.switchman.process;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;

/**
 * The run a step belongs to, read from the engine: the run id is the root process instance (a
 * called process journals into the run that called it), the actor is the user who started the run,
 * and the step is the activity, with the multi-instance item when there is one.
 */
public final class RunContexts {

  /** Set by {@code camunda:initiator} on every runbook's start event. */
  public static final String STARTER = "starter";
  public static final String MODE = "mode";
  public static final String ACTIVE_DATACENTER = "activeDatacenter";

  private RunContexts() {}

  public static RunContext of(DelegateExecution execution) {
    return of(execution, execution.getCurrentActivityId());
  }

  public static RunContext of(DelegateExecution execution, String step) {
    Object mode = execution.getVariable(MODE);
    Object starter = execution.getVariable(STARTER);
    Object active = execution.getVariable(ACTIVE_DATACENTER);
    return new RunContext(runId(execution), step, starter == null ? "system" : starter.toString(),
        ExecutionMode.parse(mode == null ? "live" : mode.toString()),
        active == null ? null : active.toString());
  }

  /** The root process instance: the run that was started by a person. */
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
