package org.switchman.process.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.runbook.discovery.PoolingChange;

/**
 * Sums the run up for operators and auditors ({@code report}): how many services of the plan were
 * changed, and each service with what became of it and what DNS answered; and the run's {@code
 * outcome}: {@code pooled} or {@code depooled}, {@code ...-with-skipped-services}, or {@code
 * rolled-back} after an abort.
 */
@Component
public class ReportPoolingDelegate implements JavaDelegate {

  /** Set by {@link RestoreServiceDelegate}: the run was aborted and its services put back. */
  static final String ABORTED = "aborted";

  private final DiscoverySteps steps;

  public ReportPoolingDelegate(DiscoverySteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    List<PoolingChange> plan = DiscoverySteps.plan(frozen);
    String action = frozen.get(DiscoverySteps.ACTION);
    boolean dryRun = "dry-run".equals(frozen.get(RunVariableNames.MODE));
    int changed = 0;
    int restored = 0;
    List<String> lines = new ArrayList<>();
    for (PoolingChange planned : plan) {
      PoolingChange change = DiscoverySteps.withChoice(frozen, planned);
      String state = frozen.getOrDefault(DiscoverySteps.parameter(change.service(), "state"), "");
      String dns = frozen.get(DiscoverySteps.parameter(change.service(), "dns"));
      changed += state.equals(DiscoverySteps.CHANGED) ? 1 : 0;
      restored += state.equals(DiscoverySteps.RESTORED) ? 1 : 0;
      lines.add(change.describe() + ": " + words(state) + (dns == null ? "" : "; " + dns));
    }
    boolean rolledBack = RunContexts.text(execution, ABORTED) != null;
    String head =
        rolledBack
            ? "aborted: " + restored + " of " + plan.size() + " services put back as they were"
            : changed
                + " of "
                + plan.size()
                + " services "
                + action
                + "ed in "
                + frozen.get(DiscoverySteps.DC)
                + (dryRun ? " (dry-run: nothing changed)" : " (live)");
    String report = head + (lines.isEmpty() ? "" : "\n" + String.join("\n", lines));
    execution.setVariable(RunVariableNames.FINDINGS, ReadDiscoveryStatusDelegate.bounded(report));
    execution.setVariable(
        RunVariableNames.OUTCOME,
        rolledBack
            ? "rolled-back"
            : action + "ed" + (changed < plan.size() ? "-with-skipped-services" : ""));
  }

  private static String words(String state) {
    return switch (state) {
      case DiscoverySteps.CHANGED -> "done";
      case DiscoverySteps.RESTORED -> "put back";
      case DiscoverySteps.SKIPPED -> "skipped after a failure, may be half-changed";
      case DiscoverySteps.CHANGING -> "being changed";
      case DiscoverySteps.LEFT_ALONE -> "NOT put back";
      default -> "skipped, not changed";
    };
  }
}
