package org.switchman.process.restart;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * Chooses the hosts of the batch ({@value #BATCH}) that restart now, as the batch-local variable
 * {@value #BATCH_HOSTS}, and sets the batch's waits from its service's policy ({@code grace},
 * {@code pause}, {@code readinessPoll}) and whether it drains ({@value #DRAIN}): all of them the
 * first time, and on a retry only those that failed, whose failures are cleared for the new
 * attempt. Each chosen host's attempt is counted ({@code host.i.attempt}) and its wait for the
 * pre-checks starts afresh: the steps of a new attempt are new steps in the journal, so a retried
 * restart restarts again, where a step resumed after a crash does not repeat what its attempt did.
 * The choice, the cleared failures and the counts commit together with the hosts' start, so a crash
 * between them cannot lose a failed host.
 */
@Component
public class ChooseBatchHostsDelegate implements JavaDelegate {

  static final String BATCH = "batch";
  static final String BATCH_HOSTS = "batchHosts";

  /**
   * Whether the batch's service drains after the grace: the hosts' restarts then run in a job after
   * the drain's, and otherwise in the grace timer's job.
   */
  static final String DRAIN = "drain";

  private final RestartSteps steps;

  public ChooseBatchHostsDelegate(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    int batch = Integer.parseInt(RunContexts.text(execution, BATCH));
    Map<String, String> frozen = steps.runs().frozen(execution);
    List<RestartSteps.PlannedHost> hosts =
        RestartSteps.batch(RestartSteps.plan(frozen.get(RestartSteps.PLAN)), batch);
    boolean retry = RunContexts.text(execution, BATCH_HOSTS) != null;
    if (retry) {
      hosts =
          hosts.stream()
              .filter(host -> !RestartSteps.learned(frozen, host, "failure").isBlank())
              .toList();
      hosts.forEach(host -> steps.runs().recordUnshown(execution, host.parameter("failure"), ""));
    }
    for (RestartSteps.PlannedHost host : hosts) {
      steps.runs().recordUnshown(execution, host.parameter("fitBy"), "");
      String attempt = RestartSteps.learned(frozen, host, "attempt");
      steps
          .runs()
          .recordUnshown(
              execution,
              host.parameter("attempt"),
              String.valueOf(attempt.isBlank() ? 1 : Integer.parseInt(attempt) + 1));
    }
    ServicePolicy policy = steps.policyOfBatch(frozen, batch);
    execution.setVariable("grace", policy.grace().toString());
    execution.setVariable("pause", policy.pause().toString());
    execution.setVariable("readinessPoll", steps.readinessPoll(policy).toString());
    execution.setVariable(DRAIN, policy.drain().command().isPresent());
    execution.setVariable(
        BATCH_HOSTS,
        hosts.stream().map(host -> host.host().fqdn()).collect(Collectors.joining(",")));
  }
}
