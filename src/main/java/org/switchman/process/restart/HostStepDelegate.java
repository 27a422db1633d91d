package org.switchman.process.restart;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * A step of {@code rolling-restart} on one host of a batch: the subclass says only what the step
 * does ({@link #run}); this class runs it as every step runs ({@link RestartSteps#checked}), the
 * run's locks held, and a failed check, a refused change or a failure that outlasted the step's
 * retries turned into the host's failure.
 */
abstract class HostStepDelegate implements JavaDelegate {

  protected final RestartSteps steps;

  protected HostStepDelegate(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public final void execute(DelegateExecution execution) {
    RestartSteps.PlannedHost host = steps.host(execution);
    steps.checked(
        execution,
        host,
        () ->
            run(
                steps.restart(),
                steps.policy(execution, host),
                host,
                steps.context(execution, host),
                execution));
  }

  /**
   * What the step does.
   *
   * @param restart the steps on a host
   * @param policy the service's policy, from the catalogue version the run started with
   * @param host the host, and its line in the plan
   * @param run the run's context for this step on this host
   */
  protected abstract void run(
      HostRestart restart,
      ServicePolicy policy,
      RestartSteps.PlannedHost host,
      RunContext run,
      DelegateExecution execution);
}
