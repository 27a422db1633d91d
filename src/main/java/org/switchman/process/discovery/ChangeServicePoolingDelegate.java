package org.switchman.process.discovery;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.discovery.PoolingChange;

/**
 * Pools or depools one service of the plan ({@code service}): it first commits that the service is
 * {@value DiscoverySteps#CHANGING}, so an abort after a crash restores it, then changes conftool,
 * new sites first, and points the DNS record.
 */
@Component
public class ChangeServicePoolingDelegate implements JavaDelegate {

  private final DiscoverySteps steps;

  public ChangeServicePoolingDelegate(DiscoverySteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    PoolingChange change = steps.change(execution);
    String state = DiscoverySteps.parameter(change.service(), "state");
    steps.checked(
        execution,
        () -> {
          RunContext run = steps.context(execution, change.service());
          steps.runs().recordAtOnce(execution, state, DiscoverySteps.CHANGING);
          steps.pooling().apply(run, change);
          return null;
        });
  }
}
