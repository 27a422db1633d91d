package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 9: restores the TTLs read in phase 0. */
@Component
public class RestoreDiscoveryTtlDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public RestoreDiscoveryTtlDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () -> steps.switchover().restoreTtl(steps.context(execution), steps.ttls(execution)));
  }
}
