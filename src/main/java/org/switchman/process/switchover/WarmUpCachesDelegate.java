package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Phase 0 (optional): warms the new site's caches, each warm-up repeated until its times stop
 * improving, and shows what each took ({@code warmUpReport}).
 */
@Component
public class WarmUpCachesDelegate extends SwitchoverStepDelegate {

  public WarmUpCachesDelegate(SwitchoverSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution) {
    execution.setVariable("warmUpReport", String.join("\n", switchover.warmUpCaches(run, request)));
  }
}
