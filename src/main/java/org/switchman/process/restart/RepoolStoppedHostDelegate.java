package org.switchman.process.restart;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Puts one host of a stopped run back into exactly the pools the run took it out of ({@code
 * host.i.depooled}), holding the run's service lock and the host's lock, and records it as repooled
 * when the run stopped. It opens no decision: a failure is retried and then left as an incident,
 * since the host must go back whatever happens.
 */
@Component
public class RepoolStoppedHostDelegate implements JavaDelegate {

  private final RestartSteps steps;

  public RepoolStoppedHostDelegate(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RestartSteps.PlannedHost host = steps.host(execution);
    steps.holdLocks(execution, host);
    steps.restart().repool(steps.context(execution, host), steps.depooled(execution, host));
    steps
        .runs()
        .recordUnshown(execution, host.parameter("outcome"), "repooled when the run stopped");
  }
}
