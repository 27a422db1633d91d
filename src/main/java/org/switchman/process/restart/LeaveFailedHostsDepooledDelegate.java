package org.switchman.process.restart;

import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;

/**
 * An operator chose to skip the batch's failed hosts: each is left as it is, out of the pools the
 * run took it out of (if it took it out of any), and recorded so ({@code host.i.outcome}, with why
 * it failed) for the report; the run goes on with the next batch.
 */
@Component
public class LeaveFailedHostsDepooledDelegate implements JavaDelegate {

  private final RestartSteps steps;

  public LeaveFailedHostsDepooledDelegate(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    int batch = Integer.parseInt(RunContexts.text(execution, ChooseBatchHostsDelegate.BATCH));
    Map<String, String> frozen = steps.runs().frozen(execution);
    for (RestartSteps.PlannedHost host :
        RestartSteps.batch(RestartSteps.plan(frozen.get(RestartSteps.PLAN)), batch)) {
      String failure = RestartSteps.learned(frozen, host, "failure");
      if (!failure.isBlank()) {
        steps
            .runs()
            .recordUnshown(
                execution,
                host.parameter("outcome"),
                RestartSteps.failedOutcome(frozen, host, "skipped by an operator"));
      }
    }
  }
}
