package org.switchman.process.reboot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;

/**
 * Sums the run up for operators and auditors ({@code findings}): the host, what the run took it out
 * of, the boot, the recovery, what was stopped, how many starts each unit took, the dependents
 * restarted, the smoke test and the outcome; and the run's {@code outcome}: {@code rebooted}, or
 * after an abort {@code put-back} (nothing rebooted) or {@code left-depooled}.
 */
@Component
public class ReportRebootDelegate implements JavaDelegate {

  /** Set by {@link PutBackOrLeaveDepooledDelegate}: the run was aborted. */
  static final String ABORTED = "aborted";

  private final RebootSteps steps;

  public ReportRebootDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    boolean aborted = RunContexts.text(execution, ABORTED) != null;
    boolean dryRun = "dry-run".equals(frozen.get(RunVariableNames.MODE));
    String outcome = frozen.getOrDefault(RebootSteps.OUTCOME, "");
    List<String> lines = new ArrayList<>();
    lines.add(
        frozen.get(RebootSteps.HOST)
            + ": "
            + (dryRun ? "dry-run, nothing changed; a live run would have ended " : "")
            + outcome);
    List<String> depooled = RebootSteps.depooled(frozen).stream().map(Object::toString).toList();
    lines.add("depooled from: " + (depooled.isEmpty() ? "nothing" : String.join(", ", depooled)));
    add(lines, "stopped before the reboot", RebootSteps.lines(frozen, RebootSteps.STOPPED));
    lines.add(
        dryRun
            ? "reboot: not asked for (dry-run)"
            : frozen.containsKey(RebootSteps.REQUESTED_AT)
                ? "reboot asked for at "
                    + RebootSteps.instant(frozen, RebootSteps.REQUESTED_AT).orElseThrow()
                    + (frozen.containsKey(RebootSteps.SEEN_UP)
                        ? ", seen up again at " + frozen.get(RebootSteps.SEEN_UP)
                        : ", not seen up again")
                : "not rebooted");
    if (frozen.containsKey(RebootSteps.RECOVERY)) {
      lines.add("recovery: " + frozen.get(RebootSteps.RECOVERY));
    }
    add(
        lines,
        "stopped as started before the filesystem was available",
        RebootSteps.lines(frozen, RebootSteps.STARTED_EARLY));
    add(lines, "starts", RebootSteps.lines(frozen, RebootSteps.STARTS));
    add(lines, "restarted", RebootSteps.lines(frozen, RebootSteps.DEPENDENTS));
    if (frozen.containsKey(RebootSteps.SMOKE_TEST)) {
      lines.add("smoke test: " + frozen.get(RebootSteps.SMOKE_TEST).replace("\n", "; "));
    }
    String report = String.join("\n", lines);
    execution.setVariable(
        RunVariableNames.FINDINGS,
        report.length() > 3800 ? report.substring(0, 3800) + " …" : report);
    execution.setVariable(
        RunVariableNames.OUTCOME,
        !aborted
            ? "rebooted"
            : frozen.containsKey(RebootSteps.REQUESTED_AT) ? "left-depooled" : "put-back");
  }

  private static void add(List<String> lines, String what, List<String> items) {
    if (!items.isEmpty()) {
      lines.add(what + ": " + String.join(", ", items));
    }
  }
}
