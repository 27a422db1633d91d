package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.PLAN;
import static org.switchman.process.switchover.SwitchoverVars.PRE_CHECKS;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverChecks;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Before the first GO/NOGO: runs the pre-checks, then the rest of the switchover as a dry-run
 * (journaled under the step {@code plan@…}), and writes both as text for the approval form: the
 * plan is the exact list of changes the run will make.
 */
@Component
public class RunPreChecksDelegate implements JavaDelegate {

  static final int MAX_TEXT = 3800;

  private final SwitchoverSteps steps;
  private final Journal journal;

  public RunPreChecksDelegate(SwitchoverSteps steps, Journal journal) {
    this.steps = steps;
    this.journal = journal;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RunContext run = steps.context(execution);
    SwitchoverRequest request = steps.request(execution);
    Switchover switchover = steps.switchover();
    SwitchoverChecks.PreCheckReport report =
        steps.checked(execution, () -> switchover.checks().preChecks(run, request));
    String planStep = "plan@" + execution.getActivityInstanceId();
    RunContext plan =
        new RunContext(
            run.runId(), planStep, run.actor(), ExecutionMode.DRY_RUN, run.activeDatacenter());
    steps.checked(
        execution,
        () -> {
          switchover.stopMaintenance(plan, request);
          switchover.setReadOnly(plan, request);
          if (request.mode() != ExecutionMode.LIVE_TEST) {
            // a live-test starts from the passive site, whose masters are read-only already; the
            // new-site check of a plain dry-run would fail on the active, writable site
            for (String section : switchover.topology().sections()) {
              switchover.lockDownSection(plan, section, request.dcFrom(), request.dcTo());
            }
          }
          switchover.poolNewDatacenter(plan, request);
          switchover.setMasterDatacenter(plan, request);
          switchover.depoolOldDatacenter(plan, request);
          for (String section : switchover.topology().sections()) {
            switchover.unlockSection(plan, section, request.dcFrom(), request.dcTo());
          }
          switchover.setReadWrite(plan, request);
          switchover.restartEnvoyOnJobrunners(plan, request);
          switchover.startMaintenance(plan, request);
          switchover.restoreTtl(plan, steps.ttls(execution));
          switchover.runPuppetOnDbMasters(plan, request);
        });
    // the same change on many targets (11 masters, 5 records) is one line
    Map<String, List<String>> byAction = new LinkedHashMap<>();
    journal.entriesOfRun(run.runId()).stream()
        .filter(entry -> entry.step().equals(planStep))
        .forEach(
            entry ->
                byAction
                    .computeIfAbsent(
                        entry.action().replaceFirst("^would: ", "").replace(entry.target(), "…"),
                        k -> new ArrayList<>())
                    .add(entry.target()));
    List<String> lines = new ArrayList<>();
    byAction.forEach(
        (action, targets) -> lines.add("- " + String.join(", ", targets) + ": " + action));
    steps
        .runs()
        .record(
            execution,
            PRE_CHECKS,
            bounded(report.lines().stream().map(line -> "- " + line).toList(), planStep));
    steps
        .runs()
        .record(
            execution, PLAN, lines.isEmpty() ? "- nothing to change" : bounded(lines, planStep));
  }

  /** Engine text variables hold 4000 characters; the rest stays in the journal. */
  static String bounded(List<String> lines, String step) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      if (text.length() + lines.get(i).length() > MAX_TEXT) {
        return text.append("- … ")
            .append(lines.size() - i)
            .append(" more: see the run's journal, step ")
            .append(step)
            .toString();
      }
      text.append(text.length() == 0 ? "" : "\n").append(lines.get(i));
    }
    return text.toString();
  }
}
