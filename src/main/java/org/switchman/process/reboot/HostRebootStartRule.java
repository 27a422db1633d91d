package org.switchman.process.reboot;

import static org.switchman.process.RunContexts.text;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.config.SwitchoverProperties;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.process.RunbookStartRule;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.reboot.HostReboot;
import org.switchman.runbook.reboot.HostRebootRequest;
import org.switchman.runbook.restart.HostProfile;
import org.switchman.runbook.restart.RestartPlan;
import org.switchman.runbook.restart.ServiceCatalogue;

/**
 * Checks the start input of a {@code host-reboot} run before anything is changed: bad input, a host
 * conftool does not know, and a host whose cluster has no profile in the service catalogue fail the
 * start with every problem named, and no run exists afterwards. On success it freezes the request,
 * the host's cluster and the catalogue version (whose profile the steps read from then on), and the
 * run takes its host's lock, the one rolling restarts take on each host, and the locks of the other
 * hosts it will restart dependents on.
 */
@Component
public class HostRebootStartRule implements RunbookStartRule {

  /** Whether the run waits for GO/NOGO first: a live reboot of a host whose profile says so. */
  static final String APPROVAL_REQUIRED = "approvalRequired";

  private final RebootSteps steps;

  public HostRebootStartRule(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(HostRebootRequest.RUNBOOK);
  }

  @Override
  public List<LockTarget> locks(Map<String, String> frozen) {
    return RebootSteps.locks(frozen);
  }

  @Override
  public void validate(DelegateExecution execution) {
    SwitchoverProperties settings = steps.settings();
    HostRebootRequest request =
        HostRebootRequest.parse(
            text(execution, RebootSteps.HOST),
            text(execution, RebootSteps.CLEAN),
            text(execution, RunVariableNames.MODE),
            text(execution, RunVariableNames.REASON),
            text(execution, RunVariableNames.TICKET),
            settings.datacenters());
    RestartPlan.Host host = steps.reboot().locate(request);
    Map.Entry<String, ServiceCatalogue> catalogue = steps.restarts().latestCatalogue();
    HostProfile profile =
        catalogue.getValue().hostProfile(HostRebootRequest.RUNBOOK, host.fqdn(), host.cluster());
    List<String> dependentHosts =
        steps.reboot().dependents(profile, host).stream()
            .map(dependent -> dependent.host().fqdn())
            .distinct()
            .toList();
    int dependents = dependentHosts.size();
    if (dependents > HostReboot.MAX_DEPENDENT_HOSTS) {
      throw new InvalidRequestException(
          HostRebootRequest.RUNBOOK,
          List.of(
              "the profile of "
                  + host.cluster()
                  + " restarts dependents on "
                  + dependents
                  + " other hosts; one reboot restarts them on at most "
                  + HostReboot.MAX_DEPENDENT_HOSTS));
    }
    RunContexts runs = steps.runs();
    runs.freeze(execution, RebootSteps.HOST, host.fqdn());
    runs.freeze(execution, RebootSteps.DC, host.dc());
    runs.freeze(execution, RebootSteps.CLUSTER, host.cluster());
    runs.freeze(execution, RebootSteps.CLEAN, Boolean.toString(request.clean()));
    runs.freeze(execution, RunVariableNames.MODE, request.mode().value());
    runs.freeze(execution, RunVariableNames.REASON, request.reason());
    runs.freeze(execution, RunVariableNames.TICKET, request.ticket());
    runs.freeze(execution, RebootSteps.CATALOGUE, catalogue.getKey());
    runs.freezeUnshown(execution, RebootSteps.DEPENDENT_HOSTS, String.join("\n", dependentHosts));
    runs.freezeDecisionTimes(execution, settings);
    execution.setVariable(RebootSteps.CLEAN, request.clean());
    execution.setVariable("bootPoll", steps.poll(profile.bootLimit()).toString());
    execution.setVariable("recoveryPoll", steps.poll(profile.recoveryLimit()).toString());
    execution.setVariable("plan", plan(host, profile, request.clean()));
    execution.setVariable("hostUnits", String.join(",", profile.units()));
    execution.setVariable(RunVariableNames.RUNBOOK, HostRebootRequest.RUNBOOK);
    execution.setVariable("target", "reboot " + host.fqdn());
    execution.setVariable(
        APPROVAL_REQUIRED, request.mode() == ExecutionMode.LIVE && profile.approval());
  }

  /** The reboot as the approver reads it: the host, and what will be done to it, in order. */
  static String plan(RestartPlan.Host host, HostProfile profile, boolean clean) {
    StringBuilder text =
        new StringBuilder(
            (clean ? "clean reboot of " : "forced reboot (reboot -f) of ")
                + host.fqdn()
                + " ("
                + host.cluster()
                + ", "
                + host.dc()
                + ")");
    text.append("\n1. downtime ")
        .append(profile.downtime())
        .append(", depool from ")
        .append(
            profile.depoolFrom().isEmpty() ? "nothing" : String.join(", ", profile.depoolFrom()))
        .append(" where pooled, wait ")
        .append(profile.grace());
    if (clean && !profile.filesystemUnits().isEmpty()) {
      text.append("\n2. stop ").append(String.join(", ", profile.stopOrder()));
    }
    text.append("\n3. reboot, wait up to ").append(profile.bootLimit()).append(" for it to answer");
    text.append("\n4. wait up to ")
        .append(profile.recoveryLimit())
        .append(" for the recovery (")
        .append(profile.recovery().recoveryName())
        .append("), stop what started before it ended");
    text.append("\n5. start ").append(String.join(", ", profile.units()));
    if (!profile.startAttempts().isEmpty()) {
      text.append(" (up to ").append(profile.startAttempts()).append(" starts)");
    }
    if (!profile.restartAfter().isEmpty() || !profile.restartElsewhere().isEmpty()) {
      List<String> restarts = new java.util.ArrayList<>(profile.restartAfter());
      profile.restartElsewhere().forEach(dependent -> restarts.add(dependent.toString()));
      text.append("\n6. restart ").append(String.join(", ", restarts));
    }
    text.append("\n7. smoke test: ")
        .append(String.join(", ", profile.smokeTest().stream().map(c -> c.checkName()).toList()));
    text.append("\n8. repool what was depooled, remove the downtime");
    return text.toString();
  }
}
