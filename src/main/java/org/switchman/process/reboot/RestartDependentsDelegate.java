package org.switchman.process.reboot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.reboot.HostReboot;
import org.switchman.runbook.restart.HostProfile;
import org.switchman.runbook.restart.RestartPlan;

/**
 * Restarts what depends on the rebooted host once its units run: the profile's units on the host
 * itself (domtool-server, which uses PostgreSQL), then each dependent unit on the other hosts of
 * its cluster in the same datacenter that the run locked when it started (domtool-slave on every
 * web server, reference 002). Records each restart done ({@value RebootSteps#DEPENDENTS}); a retry
 * skips those.
 */
@Component
public class RestartDependentsDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public RestartDependentsDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    RestartPlan.Host host = RebootSteps.host(frozen);
    HostProfile profile = steps.profile(frozen);
    List<String> done = new ArrayList<>(RebootSteps.lines(frozen, RebootSteps.DEPENDENTS));
    try {
      steps.checked(
          execution,
          () -> {
            RunContext run = steps.context(execution);
            for (String unit : profile.restartAfter()) {
              restart(run, new HostReboot.Dependent(host, unit), done);
            }
            List<String> locked = RebootSteps.lines(frozen, RebootSteps.DEPENDENT_HOSTS);
            for (HostReboot.Dependent dependent : steps.reboot().dependents(profile, host)) {
              // a host conftool added since the start is not locked by this run: left alone
              if (locked.contains(dependent.host().fqdn())) {
                restart(run, dependent, done);
              }
            }
            return null;
          });
    } finally {
      steps.runs().recordAtOnce(execution, RebootSteps.DEPENDENTS, String.join("\n", done));
    }
  }

  private void restart(RunContext run, HostReboot.Dependent dependent, List<String> done) {
    String line = dependent.toString();
    if (!done.contains(line)) {
      steps.reboot().restart(run, dependent.host(), dependent.unit());
      done.add(line);
    }
  }
}
