package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 0 (optional): warms the new site's caches. */
@Component
public class WarmUpCachesDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public WarmUpCachesDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () -> steps.switchover().warmUpCaches(steps.context(execution), steps.request(execution)));
  }
}
