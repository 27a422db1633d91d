package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 4: depools the old datacenter and points the records at the new one. */
@Component
public class DepoolOldDatacenterDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public DepoolOldDatacenterDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () ->
            steps
                .switchover()
                .depoolOldDatacenter(steps.context(execution), steps.request(execution)));
  }
}
