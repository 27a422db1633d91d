package org.switchman.process.switchover;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/** Phase 8: restarts envoy on the old site's jobrunners. */
@Component
public class RestartEnvoyOnJobrunnersDelegate extends SwitchoverStepDelegate {

  public RestartEnvoyOnJobrunnersDelegate(SwitchoverSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      Switchover switchover,
      RunContext run,
      SwitchoverRequest request,
      DelegateExecution execution) {
    switchover.restartEnvoyOnJobrunners(run, request);
  }
}
