package org.switchman.process.reboot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.restart.HostProfile;
import org.switchman.runbook.restart.RestartPlan;

/**
 * Stops the units on the slow filesystem that became active before it was available ({@value
 * RebootSteps#AVAILABLE_SINCE}): they started without it, "improperly" (reference 002). Stops them
 * in the reverse of their start order and verifies each is really down; records which ({@value
 * RebootSteps#STARTED_EARLY}). A unit started after that moment is left running, so a retry stops
 * nothing it started itself.
 */
@Component
public class StopServicesStartedEarlyDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public StopServicesStartedEarlyDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    if (ExecutionMode.DRY_RUN.value().equals(frozen.get("mode"))) {
      // nothing was rebooted, so nothing started before a recovery
      return;
    }
    RestartPlan.Host host = RebootSteps.host(frozen);
    HostProfile profile = steps.profile(frozen);
    Instant available = Instant.parse(frozen.get(RebootSteps.AVAILABLE_SINCE));
    steps.checked(
        execution,
        () -> {
          List<String> early = steps.reboot().startedBefore(host, profile.stopOrder(), available);
          if (!early.isEmpty()) {
            List<String> known = RebootSteps.lines(frozen, RebootSteps.STARTED_EARLY);
            List<String> all = new java.util.ArrayList<>(known);
            early.stream().filter(unit -> !known.contains(unit)).forEach(all::add);
            steps.runs().recordAtOnce(execution, RebootSteps.STARTED_EARLY, String.join("\n", all));
          }
          steps.reboot().stop(steps.context(execution), host, early);
          return null;
        });
  }
}
