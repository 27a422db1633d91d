package org.switchman.process.reboot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostProfile;
import org.switchman.runbook.restart.RestartPlan;

/**
 * Starts one unit of the host ({@code unit}: the diagram goes through the profile's units in order,
 * one step each) when it is not active, and verifies it; a unit known to need several starts
 * (PostgreSQL, reference 002) gets start, verify, start again, up to its limit. Every start is
 * journaled as the command it is; {@value RebootSteps#STARTS} says, unit by unit, each start that
 * failed and how many starts it took, committed even when the step fails.
 */
@Component
public class StartServicesInOrderDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public StartServicesInOrderDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    RestartPlan.Host host = RebootSteps.host(frozen);
    HostProfile profile = steps.profile(frozen);
    String unit = RunContexts.text(execution, "unit");
    if (!profile.units().contains(unit)) {
      throw new IllegalStateException(unit + " is not a unit of the profile of " + host.cluster());
    }
    List<String> starts = new ArrayList<>(RebootSteps.lines(frozen, RebootSteps.STARTS));
    int before = starts.size();
    try {
      steps.checked(
          execution,
          () -> {
            RunContext run = steps.context(execution);
            int took =
                steps
                    .reboot()
                    .start(run, profile, host, unit, failed -> starts.add(unit + ": " + failed));
            if (took > 0) {
              starts.add(unit + ": active after " + took + (took == 1 ? " start" : " starts"));
            }
            return null;
          });
    } finally {
      if (starts.size() > before) {
        steps.runs().recordAtOnce(execution, RebootSteps.STARTS, String.join("\n", starts));
      }
    }
  }
}
