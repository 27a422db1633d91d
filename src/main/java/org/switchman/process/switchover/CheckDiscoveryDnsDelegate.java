package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.MASTER_CHANGE_SETTLE_WAIT;
import static org.switchman.process.switchover.SwitchoverVars.MASTER_CHANGE_STARTED_AT;

import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Phase 4: checks that DNS answers with the new datacenter, then sets how long the phase still
 * waits for the master change to settle ({@link Switchover#masterChangeSettleLeft}).
 */
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
    String started = steps.frozen(execution, MASTER_CHANGE_STARTED_AT);
    Instant now = Instant.now();
    execution.setVariable(
        MASTER_CHANGE_SETTLE_WAIT,
        Switchover.masterChangeSettleLeft(
                started == null ? now : Instant.parse(started),
                now,
                steps.settings().masterChangeSettle())
            .toString());
  }
}
