package org.switchman.process.restart;

import static org.switchman.process.RunVariableNames.OUTCOME;
import static org.switchman.process.RunVariableNames.STOP_REASON;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;

/**
 * Sums the run up for operators and auditors, from what it recorded per host: the variable {@value
 * #REPORT} (how many hosts were restarted, and each host left depooled, with why) and the run's
 * {@code outcome}: {@value #RESTARTED}, {@value #WITH_HOSTS_LEFT_DEPOOLED}, {@value
 * #WITH_DEFERRED_HOSTS} (every host restarted but those deferred after a deploy) or {@value
 * #STOPPED}.
 */
@Component
public class ReportRestartDelegate implements JavaDelegate {

  static final String REPORT = org.switchman.process.RunVariableNames.FINDINGS;
  static final String RESTARTED = "restarted";
  static final String WITH_HOSTS_LEFT_DEPOOLED = "restarted-with-hosts-left-depooled";
  static final String WITH_DEFERRED_HOSTS = "restarted-with-deferred-hosts";
  static final String STOPPED = "stopped";

  private final RestartSteps steps;

  public ReportRestartDelegate(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    List<RestartSteps.PlannedHost> plan = RestartSteps.plan(frozen.get(RestartSteps.PLAN));
    int restarted = 0;
    List<String> leftDepooled = new ArrayList<>();
    List<String> deferred = new ArrayList<>();
    List<String> notRunning = new ArrayList<>();
    List<String> other = new ArrayList<>();
    for (RestartSteps.PlannedHost host : plan) {
      String outcome = RestartSteps.learned(frozen, host, "outcome");
      if (outcome.startsWith(RestartSteps.RESTARTED)) {
        restarted++;
      } else if (outcome.startsWith(RestartSteps.LEFT_DEPOOLED)) {
        leftDepooled.add(host.host().fqdn() + ": " + outcome);
      } else if (outcome.startsWith(RestartSteps.DEFERRED)) {
        deferred.add(host.host().fqdn() + ": " + outcome);
      } else if (outcome.startsWith(RestartSteps.NOT_RUNNING)) {
        notRunning.add(host.host().fqdn() + ": " + outcome);
      } else {
        other.add(host.host().fqdn() + ": " + (outcome.isBlank() ? "not reached" : outcome));
      }
    }
    String stopReason = RunContexts.text(execution, STOP_REASON);
    boolean dryRun = "dry-run".equals(frozen.get(org.switchman.process.RunVariableNames.MODE));
    StringBuilder report =
        new StringBuilder(
            restarted
                + " of "
                + plan.size()
                + " hosts of "
                + frozen.get(RestartSteps.SERVICE)
                + (dryRun
                    ? " would be "
                        + frozen.get(RestartSteps.ACTION)
                        + "ed (dry-run: nothing changed)"
                    : " " + frozen.get(RestartSteps.ACTION) + "ed (live)"));
    if (stopReason != null) {
      report.append("; the run stopped: ").append(stopReason);
    }
    if (!leftDepooled.isEmpty()) {
      report.append("\nLeft depooled:\n").append(String.join("\n", leftDepooled));
    }
    if (!deferred.isEmpty()) {
      report.append("\nDeferred:\n").append(String.join("\n", deferred));
    }
    if (!notRunning.isEmpty()) {
      report.append("\nNot running, nothing to restart:\n").append(String.join("\n", notRunning));
    }
    if (!other.isEmpty()) {
      report.append("\nNot restarted:\n").append(String.join("\n", other));
    }
    String text = report.length() > 3800 ? report.substring(0, 3800) + " …" : report.toString();
    execution.setVariable(REPORT, text);
    execution.setVariable(
        OUTCOME,
        stopReason != null
            ? STOPPED
            : !leftDepooled.isEmpty()
                ? WITH_HOSTS_LEFT_DEPOOLED
                : deferred.isEmpty() ? RESTARTED : WITH_DEFERRED_HOSTS);
  }
}
