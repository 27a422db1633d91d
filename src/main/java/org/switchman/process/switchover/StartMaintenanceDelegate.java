package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 8: enables puppet and starts maintenance in the new primary datacenter. */
@Component
public class StartMaintenanceDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public StartMaintenanceDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () ->
            steps
                .switchover()
                .startMaintenance(steps.context(execution), steps.request(execution)));
  }
}
