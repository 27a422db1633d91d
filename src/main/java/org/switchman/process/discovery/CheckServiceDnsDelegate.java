package org.switchman.process.discovery;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.discovery.PoolingChange;

/**
 * Checks the DNS answer of the loop's service against the sites it is now pooled in, and records
 * the service as {@value DiscoverySteps#CHANGED} with what DNS answered.
 */
@Component
public class CheckServiceDnsDelegate implements JavaDelegate {

  private final DiscoverySteps steps;

  public CheckServiceDnsDelegate(DiscoverySteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    PoolingChange change = steps.change(execution);
    String answer =
        steps.checked(
            execution,
            () -> steps.pooling().checkDns(steps.context(execution, change.service()), change));
    steps
        .runs()
        .recordUnshown(
            execution, DiscoverySteps.parameter(change.service(), "state"), DiscoverySteps.CHANGED);
    steps
        .runs()
        .recordUnshown(execution, DiscoverySteps.parameter(change.service(), "dns"), answer);
  }
}
