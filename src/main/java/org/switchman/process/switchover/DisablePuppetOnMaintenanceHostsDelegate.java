package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/** Phase 0: disables puppet on the maintenance hosts of both datacenters. */
@Component
public class DisablePuppetOnMaintenanceHostsDelegate extends SwitchoverStepDelegate {

  public DisablePuppetOnMaintenanceHostsDelegate(SwitchoverSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution) {
    switchover.disablePuppet(run, request);
  }
}
