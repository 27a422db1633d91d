package org.switchman.process.reboot;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.restart.HostProfile;

/**
 * Before a clean reboot, stops the units that depend on the slow-recovering filesystem, in the
 * reverse of their start order, and verifies each is really down (reference 002). Once the reboot
 * was asked for, it does nothing: a retry never stops the services of the rebooted host.
 */
@Component
public class StopFilesystemServicesDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public StopFilesystemServicesDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    if (frozen.containsKey(RebootSteps.REQUESTED_AT)) {
      return;
    }
    HostProfile profile = steps.profile(frozen);
    List<String> units = profile.stopOrder();
    steps.checked(
        execution,
        () -> {
          steps.runs().recordAtOnce(execution, RebootSteps.STOPPED, String.join("\n", units));
          steps.reboot().stop(steps.context(execution), RebootSteps.host(frozen), units);
          return null;
        });
  }
}
