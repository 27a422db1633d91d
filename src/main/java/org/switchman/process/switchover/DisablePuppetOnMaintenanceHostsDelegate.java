package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 0: disables puppet on the maintenance hosts of both datacenters. */
@Component
public class DisablePuppetOnMaintenanceHostsDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public DisablePuppetOnMaintenanceHostsDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () -> steps.switchover().disablePuppet(steps.context(execution), steps.request(execution)));
  }
}
