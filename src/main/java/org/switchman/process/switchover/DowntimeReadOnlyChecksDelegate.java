package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/** Phase 0: downtimes the read-only checks of the database masters. */
@Component
public class DowntimeReadOnlyChecksDelegate extends SwitchoverStepDelegate {

  public DowntimeReadOnlyChecksDelegate(SwitchoverSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution) {
    switchover.downtimeReadOnlyChecks(run, request);
  }
}
