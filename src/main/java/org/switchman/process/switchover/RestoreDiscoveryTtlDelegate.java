package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/** Phase 9: restores the TTLs read in phase 0. */
@Component
public class RestoreDiscoveryTtlDelegate extends SwitchoverStepDelegate {

  public RestoreDiscoveryTtlDelegate(SwitchoverSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution) {
    switchover.restoreTtl(run, steps.ttls(execution));
  }
}
