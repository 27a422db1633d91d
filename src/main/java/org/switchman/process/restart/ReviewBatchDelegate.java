package org.switchman.process.restart;

import static org.switchman.process.RunVariableNames.FAILED_CHECK;
import static org.switchman.process.RunVariableNames.FAILED_STEP;
import static org.switchman.process.RunVariableNames.FAILURE_MESSAGE;
import static org.switchman.process.RunVariableNames.SITE_STATE;
import static org.switchman.process.RunVariableNames.STOP_REASON;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;

/**
 * Looks at the batch once all its hosts are done, and sets what the diagram's gateways read:
 * {@value #HOSTS_FAILED}, {@value #TOO_MANY_FAILED_BATCHES} and {@value #MORE_BATCHES}. A batch
 * with a failed host counts once towards the policy's maximum of failed batches, however often it
 * is retried ({@code failedBatches}); for the operator's decision it names each failed host, why,
 * and what it is left in.
 */
@Component
public class ReviewBatchDelegate implements JavaDelegate {

  static final String HOSTS_FAILED = "hostsFailed";
  static final String TOO_MANY_FAILED_BATCHES = "tooManyFailedBatches";
  static final String MORE_BATCHES = "moreBatches";

  private final RestartSteps steps;

  public ReviewBatchDelegate(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    int batch = Integer.parseInt(RunContexts.text(execution, ChooseBatchHostsDelegate.BATCH));
    Map<String, String> frozen = steps.runs().frozen(execution);
    List<RestartSteps.PlannedHost> plan = RestartSteps.plan(frozen.get(RestartSteps.PLAN));
    List<RestartSteps.PlannedHost> failed =
        RestartSteps.batch(plan, batch).stream()
            .filter(host -> !RestartSteps.learned(frozen, host, "failure").isBlank())
            .toList();
    int batches = plan.isEmpty() ? 0 : plan.get(plan.size() - 1).batch();
    execution.setVariable(MORE_BATCHES, batch < batches);
    execution.setVariable(HOSTS_FAILED, !failed.isEmpty());
    int failedBatches = Integer.parseInt(frozen.getOrDefault(RestartSteps.FAILED_BATCHES, "0"));
    if (!failed.isEmpty() && frozen.get("batch." + batch + ".failed") == null) {
      failedBatches++;
      steps.runs().recordUnshown(execution, "batch." + batch + ".failed", "true");
      steps.runs().record(execution, RestartSteps.FAILED_BATCHES, String.valueOf(failedBatches));
    }
    int max = steps.policyOfBatch(frozen, batch).maxFailedBatches();
    execution.setVariable(TOO_MANY_FAILED_BATCHES, failedBatches > max);
    if (failedBatches > max) {
      steps
          .runs()
          .record(
              execution,
              STOP_REASON,
              failedBatches + " batches failed, more than the catalogue allows (" + max + ")");
    }
    if (failed.isEmpty()) {
      return;
    }
    execution.setVariable(FAILED_CHECK, "host-failed");
    execution.setVariable(FAILED_STEP, "Batch " + batch + " of " + batches);
    execution.setVariable(
        FAILURE_MESSAGE,
        bounded(
            failed.size()
                + " host(s) of batch "
                + batch
                + " failed ("
                + failedBatches
                + " failed batch(es) of at most "
                + max
                + "):\n"
                + failed.stream()
                    .map(
                        host ->
                            host.host().fqdn()
                                + ": "
                                + RestartSteps.learned(frozen, host, "failure"))
                    .collect(Collectors.joining("\n"))));
    execution.setVariable(
        SITE_STATE,
        bounded(
            failed.stream()
                .map(
                    host -> {
                      var slots = RestartSteps.depooled(frozen, host);
                      return host.host().fqdn()
                          + (slots.isEmpty()
                              ? ": not depooled by this run"
                              : ": depooled by this run from "
                                  + slots.stream()
                                      .map(Object::toString)
                                      .collect(Collectors.joining(", ")));
                    })
                .collect(Collectors.joining("\n"))));
  }

  private static String bounded(String text) {
    return text.length() > 3800 ? text.substring(0, 3800) + " …" : text;
  }
}
