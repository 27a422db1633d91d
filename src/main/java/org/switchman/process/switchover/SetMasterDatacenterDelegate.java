package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/** Phase 4: sets WMFMasterDatacenter to the new datacenter. */
@Component
public class SetMasterDatacenterDelegate extends SwitchoverStepDelegate {

  public SetMasterDatacenterDelegate(SwitchoverSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution) {
    switchover.setMasterDatacenter(run, request);
  }
}
