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
 * Looks once at the policy's readiness checks and sets {@value #READY}; the diagram's timer looks
 * again later, so no thread sleeps through a readiness wait of hours. Past the policy's limit
 * ({@code host.i.readyBy}) a host that is still not ready fails.
 */
@Component
public class CheckHostReadinessDelegate extends HostStepDelegate {

  /**
   * The variable the diagram's gateway {@code Gateway_HostReady} reads, set locally in the scope of
   * the host's {@code SubProcess_RestartHost}, where the step runs: each host has its own.
   */
  static final String READY = "ready";

  public CheckHostReadinessDelegate(RestartSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      HostRestart restart,
      ServicePolicy policy,
      RestartSteps.PlannedHost host,
      RunContext run,
      DelegateExecution execution) {
    List<String> failed = restart.failedChecks(policy.readiness(), policy, host.host());
    if (failed.isEmpty()) {
      execution.setVariableLocal(READY, true);
      return;
    }
    Instant readyBy =
        steps.learned(execution, host, "readyBy").map(Instant::parse).orElse(RestartSteps.now());
    if (!RestartSteps.now().isBefore(readyBy)) {
      throw new CheckFailedException(
          "readiness",
          host.host().fqdn()
              + " is not ready "
              + policy.readinessLimit()
              + " after its restart: "
              + String.join("; ", failed));
    }
    execution.setVariableLocal(READY, false);
  }
}
