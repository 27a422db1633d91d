package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 8: restarts envoy on the old site's jobrunners. */
@Component
public class RestartEnvoyOnJobrunnersDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public RestartEnvoyOnJobrunnersDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.checked(
        execution,
        () ->
            steps
                .switchover()
                .restartEnvoyOnJobrunners(steps.context(execution), steps.request(execution)));
  }
}
