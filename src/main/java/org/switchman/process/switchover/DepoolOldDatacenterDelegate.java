package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/** Phase 4: depools the old datacenter and points the records at the new one. */
@Component
public class DepoolOldDatacenterDelegate extends SwitchoverStepDelegate {

  public DepoolOldDatacenterDelegate(SwitchoverSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution) {
    switchover.depoolOldDatacenter(run, request);
  }
}
