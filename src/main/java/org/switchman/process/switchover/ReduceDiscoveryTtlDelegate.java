package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.*;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 0: reads the discovery TTLs from DNS, reduces them, and sets the wait for the old TTL. */
@Component
public class ReduceDiscoveryTtlDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public ReduceDiscoveryTtlDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    java.util.Map<String, Long> original = steps.checked(execution, () -> steps.switchover()
        .reduceTtl(steps.context(execution), steps.ttls(execution), steps.settings().ttlIfUnknown()));
    // the TTLs read first are kept: a retry neither re-measures nor forgets them
    steps.runs().freeze(execution, ORIGINAL_TTLS, steps.ttlsText(original));
    execution.setVariable(OLD_TTL_WAIT,
        org.switchman.runbook.switchover.Switchover.oldTtlWait(steps.ttls(execution)).toString());
  }
}
