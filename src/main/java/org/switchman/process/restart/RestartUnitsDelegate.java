package org.switchman.process.restart;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * Restarts (or reloads) the policy's units on the host, in order, and sets when the readiness wait
 * gives up ({@code host.i.readyBy}): the policy's readiness limit from now.
 */
@Component
public class RestartUnitsDelegate extends HostStepDelegate {

  public RestartUnitsDelegate(RestartSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      HostRestart restart,
      ServicePolicy policy,
      RestartSteps.PlannedHost host,
      RunContext run,
      DelegateExecution execution) {
    restart.restart(run, policy, host.host(), steps.action(execution));
    steps
        .runs()
        .recordUnshown(
            execution, host.parameter("readyBy"), RestartSteps.readyBy(policy).toString());
  }
}
