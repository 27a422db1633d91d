package org.switchman.process.restart;

import java.time.Instant;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostCheck;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * Looks once at the policy's pre-checks on the host before anything on it is touched (they only
 * read), and whether the service's units run at all (a restart never starts a stopped unit), and
 * sets {@value #FIT}; the diagram's timer looks again later, so a host waits for what clears by
 * itself (compactions pending, a cluster not green yet) without a thread asleep. The first look of
 * an attempt starts the wait's limit ({@code host.i.fitBy}: the policy's readiness limit); past it
 * a host that is still not fit fails, untouched. After a deploy ({@code deferLongJobs}), a host
 * that runs work that must not be killed is not waited for: it is deferred, left untouched and
 * reported with the work and when it ends; so is a host where the service does not run at all,
 * since nothing there runs the old code.
 */
@Component
public class CheckHostBeforeRestartDelegate extends HostStepDelegate {

  /**
   * The variable the diagram's gateway {@code Gateway_HostFit} reads, set locally in the scope of
   * the host's {@code SubProcess_RestartHost}, where the step runs: each host has its own.
   */
  static final String FIT = "fit";

  /**
   * The variable the gateway reads, set like {@value #FIT}, for a host left untouched after a
   * deploy: it runs work that must not be killed (the check {@code no-long-jobs}), or the service
   * does not run there; it is reported either way.
   */
  static final String DEFERRED = "deferred";

  public CheckHostBeforeRestartDelegate(RestartSteps steps) {
    super(steps);
  }

  private void leaveUntouched(
      DelegateExecution execution, RestartSteps.PlannedHost host, String outcome) {
    steps.runs().recordUnshown(execution, host.parameter("outcome"), outcome);
    execution.setVariableLocal(DEFERRED, true);
    execution.setVariableLocal(FIT, false);
  }

  @Override
  protected void run(
      HostRestart restart,
      ServicePolicy policy,
      RestartSteps.PlannedHost host,
      RunContext run,
      DelegateExecution execution) {
    boolean afterDeploy =
        "true".equals(steps.runs().frozen(execution, RestartSteps.DEFER_LONG_JOBS));
    // a host this run depooled in an earlier attempt is never left "untouched": it must go back
    boolean depooledByThisRun = steps.runs().frozen(execution, host.parameter("depooled")) != null;
    execution.setVariableLocal(DEFERRED, false);
    List<String> stopped =
        restart.failedChecks(List.of(HostCheck.SYSTEMD_ACTIVE), policy, host.host());
    if (!stopped.isEmpty() && afterDeploy && !depooledByThisRun) {
      // nothing runs the old code here: a restart would only start what is meant to be stopped
      // (the scheduled scripts of the passive datacenter's maintenance host)
      leaveUntouched(
          execution,
          host,
          RestartSteps.NOT_RUNNING + ", nothing to restart: " + String.join("; ", stopped));
      return;
    }
    List<String> failed = new java.util.ArrayList<>(stopped);
    if (!policy.preChecks().contains(HostCheck.SYSTEMD_ACTIVE) || stopped.isEmpty()) {
      // the policy's other pre-checks: systemd-active was just looked at
      failed.addAll(
          restart.failedChecks(
              policy.preChecks().stream()
                  .filter(check -> check != HostCheck.SYSTEMD_ACTIVE)
                  .toList(),
              policy,
              host.host()));
    }
    if (failed.isEmpty()) {
      execution.setVariableLocal(FIT, true);
      return;
    }
    if (afterDeploy
        && !depooledByThisRun
        && failed.stream().anyMatch(line -> line.startsWith(HostCheck.NO_LONG_JOBS.checkName()))) {
      leaveUntouched(
          execution,
          host,
          RestartSteps.DEFERRED
              + ", not touched: "
              + String.join("; ", failed)
              + ". Restart it once that work has ended: the next deploy's restart does, or a"
              + " rolling restart of "
              + host.service()
              + " with this host");
      return;
    }
    Instant fitBy = steps.learned(execution, host, "fitBy").map(Instant::parse).orElse(null);
    if (fitBy == null) {
      fitBy = RestartSteps.readyBy(policy);
      steps.runs().recordUnshown(execution, host.parameter("fitBy"), fitBy.toString());
    }
    if (!RestartSteps.now().isBefore(fitBy)) {
      throw new CheckFailedException(
          "pre-checks",
          host.host().fqdn()
              + " is not fit to restart after "
              + policy.readinessLimit()
              + ", nothing changed: "
              + String.join("; ", failed));
    }
    execution.setVariableLocal(FIT, false);
  }
}
