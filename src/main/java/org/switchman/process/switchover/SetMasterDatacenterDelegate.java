package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.MASTER_CHANGE_STARTED_AT;

import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Phase 4: sets WMFMasterDatacenter to the new datacenter. When the change first begins is kept at
 * once, before it, for the settle wait at the end of the phase: a retry or a resumption keeps it.
 */
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
    if (steps.frozen(execution, MASTER_CHANGE_STARTED_AT) == null) {
      steps.runs().recordAtOnce(execution, MASTER_CHANGE_STARTED_AT, Instant.now().toString());
    }
    switchover.setMasterDatacenter(run, request);
  }
}
