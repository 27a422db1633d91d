package org.switchman.process.restart;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.ServicePolicy;

/** Runs the policy's pre-checks on the host before anything on it is touched; they only read. */
@Component
public class CheckHostBeforeRestartDelegate extends HostStepDelegate {

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
    if (!failed.isEmpty()) {
      throw new CheckFailedException(
          "pre-checks",
          host.host().fqdn()
              + " is not fit to restart, nothing changed: "
              + String.join("; ", failed));
    }
  }
}
