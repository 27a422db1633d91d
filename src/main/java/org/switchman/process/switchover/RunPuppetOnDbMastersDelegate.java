package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 9: runs puppet on the database masters and removes the check downtimes. */
@Component
public class RunPuppetOnDbMastersDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public RunPuppetOnDbMastersDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () ->
            steps
                .switchover()
                .runPuppetOnDbMasters(steps.context(execution), steps.request(execution)));
  }
}
