package org.switchman.process.discovery;

import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.discovery.DatacenterPooling;
import org.switchman.runbook.discovery.PoolingChange;

/**
 * After an abort, for one service of the plan ({@code service}): when the run began to change it
 * ({@value DiscoverySteps#CHANGING}, {@value DiscoverySteps#CHANGED} or {@value
 * DiscoverySteps#SKIPPED}), puts it back to the sites it was pooled in when the run planned it,
 * pooling before depooling, points its DNS record back, and marks it {@value
 * DiscoverySteps#RESTORED}. A service someone else changed since is left alone and marked {@value
 * DiscoverySteps#LEFT_ALONE} with why; a put-back service's DNS answer is checked; any other
 * failure (a server that does not answer, a wrong answer) fails the step, which the engine retries,
 * and leaves an incident when the retries run out.
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
    Map<String, String> frozen = steps.runs().frozen(execution);
    PoolingChange change = DiscoverySteps.change(execution, frozen);
    String state = DiscoverySteps.parameter(change.service(), "state");
    if (!DiscoverySteps.begun(frozen.get(state))) {
      return;
    }
    RunContext run = steps.context(execution, change.service());
    String outcome;
    try {
      steps.pooling().restore(run, change);
      outcome = steps.pooling().checkDns(run, change.undone());
      steps.runs().recordUnshown(execution, state, DiscoverySteps.RESTORED);
    } catch (CheckFailedException e) {
      if (!e.check().equals(DatacenterPooling.CHANGED_BY_OTHERS)
          && !e.check().equals(DatacenterPooling.NEVER_POOLED_NOWHERE)) {
        throw e;
      }
      outcome = e.getMessage();
      steps.runs().recordUnshown(execution, state, DiscoverySteps.LEFT_ALONE);
    }
    steps
        .runs()
        .recordUnshown(execution, DiscoverySteps.parameter(change.service(), "dns"), outcome);
  }
}
