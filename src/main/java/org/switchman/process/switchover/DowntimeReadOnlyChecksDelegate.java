package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 0: downtimes the read-only checks of the database masters. */
@Component
public class DowntimeReadOnlyChecksDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public DowntimeReadOnlyChecksDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () ->
            steps
                .switchover()
                .downtimeReadOnlyChecks(steps.context(execution), steps.request(execution)));
  }
}
