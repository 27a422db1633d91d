package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 4: sets WMFMasterDatacenter to the new datacenter. */
@Component
public class SetMasterDatacenterDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public SetMasterDatacenterDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () ->
            steps
                .switchover()
                .setMasterDatacenter(steps.context(execution), steps.request(execution)));
  }
}
