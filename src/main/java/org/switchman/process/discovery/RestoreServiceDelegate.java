package org.switchman.process.discovery;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.discovery.PoolingChange;

/**
 * After an abort, for one service of the plan ({@code service}): when the run began to change it
 * ({@value DiscoverySteps#CHANGING} or {@value DiscoverySteps#CHANGED}), puts it back to the sites
 * it was pooled in when the run planned it, pooling before depooling, points its DNS record back,
 * and marks it {@value DiscoverySteps#RESTORED}. A service someone else changed since is left alone
 * and marked {@value DiscoverySteps#LEFT_ALONE} with why; a server that does not answer fails the
 * step, which the engine retries.
 */
@Component
public class RestoreServiceDelegate implements JavaDelegate {

  private final DiscoverySteps steps;

  public RestoreServiceDelegate(DiscoverySteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps.hold(execution);
    execution.setVariable(ReportPoolingDelegate.ABORTED, true);
    PoolingChange change = steps.change(execution);
    String state = DiscoverySteps.parameter(change.service(), "state");
    String now = steps.runs().frozen(execution, state);
    if (!DiscoverySteps.CHANGING.equals(now) && !DiscoverySteps.CHANGED.equals(now)) {
      return;
    }
    try {
      steps.pooling().restore(steps.context(execution, change.service()), change);
      steps.runs().recordUnshown(execution, state, DiscoverySteps.RESTORED);
    } catch (CheckFailedException e) {
      steps.runs().recordUnshown(execution, state, DiscoverySteps.LEFT_ALONE);
      steps
          .runs()
          .recordUnshown(
              execution, DiscoverySteps.parameter(change.service(), "dns"), e.getMessage());
    }
  }
}
