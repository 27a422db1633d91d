package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 4: pools the new datacenter for the moved discovery records. */
@Component
public class PoolNewDatacenterDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public PoolNewDatacenterDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () ->
            steps
                .switchover()
                .poolNewDatacenter(steps.context(execution), steps.request(execution)));
  }
}
