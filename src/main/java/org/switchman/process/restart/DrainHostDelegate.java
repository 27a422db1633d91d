package org.switchman.process.restart;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.ServicePolicy;

/** Runs the policy's drain on the host, after the grace, before the restart; none: nothing. */
@Component
public class DrainHostDelegate extends HostStepDelegate {

  public DrainHostDelegate(RestartSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      HostRestart restart,
      ServicePolicy policy,
      RestartSteps.PlannedHost host,
      RunContext run,
      DelegateExecution execution) {
    restart.drain(run, policy, host.host());
  }
}
