package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 4: checks that DNS answers with the new datacenter. */
@Component
public class CheckDiscoveryDnsDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public CheckDiscoveryDnsDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () ->
            steps
                .switchover()
                .checkDiscoveryDns(steps.context(execution), steps.request(execution)));
  }
}
