package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.*;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 6 for one section: the new site's master read-write. */
@Component
public class UnlockSectionDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public UnlockSectionDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    String section = SwitchoverSteps.text(execution, SECTION);
    org.switchman.runbook.RunContext run = steps.context(execution,
        execution.getCurrentActivityId() + "[" + section + "]");
    steps.checked(execution, () -> steps.switchover().unlockSection(run, section,
        steps.frozen(execution, DC_FROM), steps.frozen(execution, DC_TO)));
  }
}
