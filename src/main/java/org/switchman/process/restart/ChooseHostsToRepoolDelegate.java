package org.switchman.process.restart;

import static org.switchman.process.RunVariableNames.STOP_REASON;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The run stops before its last batch (an operator aborted, or more batches failed than the policy
 * allows): records why ({@code stopReason}) and each failed host as left depooled, and sets {@value
 * #HOSTS_TO_REPOOL}: every host the run took out of its pools and has not put back, except the
 * failed hosts. Hosts it never reached are left as they are.
 */
@Component
public class ChooseHostsToRepoolDelegate implements JavaDelegate {

  static final String HOSTS_TO_REPOOL = "hostsToRepool";

  private final RestartSteps steps;

  public ChooseHostsToRepoolDelegate(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    execution.setVariable(STOP_REASON, frozen.getOrDefault(STOP_REASON, "aborted by an operator"));
    List<String> toRepool = new ArrayList<>();
    for (RestartSteps.PlannedHost host : RestartSteps.plan(frozen.get(RestartSteps.PLAN))) {
      if (!RestartSteps.learned(frozen, host, "outcome").isBlank()) {
        continue;
      }
      String failure = RestartSteps.learned(frozen, host, "failure");
      if (!failure.isBlank()) {
        steps
            .runs()
            .recordUnshown(
                execution,
                host.parameter("outcome"),
                RestartSteps.failedOutcome(frozen, host, "failed when the run stopped"));
      } else if (!RestartSteps.depooled(frozen, host).isEmpty()) {
        toRepool.add(host.host().fqdn());
      }
    }
    execution.setVariable(HOSTS_TO_REPOOL, String.join(",", toRepool));
  }
}
