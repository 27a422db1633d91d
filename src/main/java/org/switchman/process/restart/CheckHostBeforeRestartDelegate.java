package org.switchman.process.restart;

import java.time.Instant;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * Looks once at the policy's pre-checks on the host before anything on it is touched (they only
 * read), and sets {@value #FIT}; the diagram's timer looks again later, so a host waits for what
 * clears by itself (compactions pending, a cluster not green yet) without a thread asleep. The
 * first look of an attempt starts the wait's limit ({@code host.i.fitBy}: the policy's readiness
 * limit); past it a host that is still not fit fails, untouched.
 */
@Component
public class CheckHostBeforeRestartDelegate extends HostStepDelegate {

  /** The host-local variable the diagram's gateway {@code Gateway_HostFit} reads. */
  static final String FIT = "fit";

  public CheckHostBeforeRestartDelegate(RestartSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      HostRestart restart,
      ServicePolicy policy,
      RestartSteps.PlannedHost host,
      RunContext run,
      DelegateExecution execution) {
    List<String> failed = restart.failedChecks(policy.preChecks(), policy, host.host());
    if (failed.isEmpty()) {
      execution.setVariable(FIT, true);
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
    execution.setVariable(FIT, false);
  }
}
