package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * A step of {@code dc-switchover} that is one call of the domain: the subclass says only what the
 * step does ({@link #run}), as a runner of the reference cookbooks implements only its action. This
 * class runs it the way every step runs ({@link SwitchoverSteps#checked}): the run's lock held, and
 * a failed check, a refused change or a failure that outlasted the step's retries turned into the
 * step's operator decision.
 */
public abstract class SwitchoverStepDelegate implements JavaDelegate {

  protected final SwitchoverSteps steps;

  protected SwitchoverStepDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public final void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () ->
            run(steps.switchover(), steps.context(execution), steps.request(execution), execution));
  }

  /**
   * What the step does.
   *
   * @param run the run's context: its id, mode and journal
   * @param request the switchover's start variables
   * @param execution the step's execution, for what the run recorded earlier
   */
  protected abstract void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution);
}
