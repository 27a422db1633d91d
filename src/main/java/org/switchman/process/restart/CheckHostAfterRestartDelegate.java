package org.switchman.process.restart;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * Runs the policy's post-checks before the host is repooled, such as {@code proxy-registered}: a
 * host that runs but lost its registration with the proxy fails here and is never repooled as if
 * healthy.
 */
@Component
public class CheckHostAfterRestartDelegate extends HostStepDelegate {

  public CheckHostAfterRestartDelegate(RestartSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      HostRestart restart,
      ServicePolicy policy,
      RestartSteps.PlannedHost host,
      RunContext run,
      DelegateExecution execution) {
    List<String> failed = restart.failedChecks(policy.postChecks(), policy, host.host());
    if (!failed.isEmpty()) {
      throw new CheckFailedException(
          "post-checks",
          host.host().fqdn()
              + " restarted but is not healthy, left depooled: "
              + String.join("; ", failed));
    }
  }
}
