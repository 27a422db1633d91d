package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/** Phase 4: checks that DNS answers with the new datacenter. */
@Component
public class CheckDiscoveryDnsDelegate extends SwitchoverStepDelegate {

  public CheckDiscoveryDnsDelegate(SwitchoverSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution) {
    switchover.checkDiscoveryDns(run, request);
  }
}
