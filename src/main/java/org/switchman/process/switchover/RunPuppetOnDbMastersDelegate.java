package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/** Phase 9: runs puppet on the database masters and removes the check downtimes. */
@Component
public class RunPuppetOnDbMastersDelegate extends SwitchoverStepDelegate {

  public RunPuppetOnDbMastersDelegate(SwitchoverSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution) {
    switchover.runPuppetOnDbMasters(run, request);
  }
}
