package org.switchman.process.restart;

import static org.switchman.process.RunContexts.text;
import static org.switchman.process.RunVariableNames.APPROVAL_REMINDER;
import static org.switchman.process.RunVariableNames.APPROVAL_TIMEOUT;
import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.RUNBOOK;
import static org.switchman.process.RunVariableNames.TICKET;

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
import org.switchman.runbook.restart.RestartPlan;
import org.switchman.runbook.restart.RollingRestartRequest;
import org.switchman.runbook.restart.ServiceCatalogue;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * Checks the start input of a {@code rolling-restart} against the newest deployed service catalogue
 * and reads the service's hosts from conftool, before anything is changed; bad input (an unknown
 * service or datacenter, a host that is not one of the service's, a batch size above the
 * catalogue's maximum) fails the start with every problem named, and no run exists afterwards. On
 * success it freezes the request, the catalogue version and the plan ({@link RestartSteps}), which
 * the steps read from then on, and takes the run's locks: the service in each datacenter, and each
 * host of the plan, so that two runs never act on one host at once.
 */
@Component
public class RollingRestartStartRule implements RunbookStartRule {

  /** Whether the run waits for GO/NOGO first: the policy asks for it and the run is live. */
  static final String APPROVAL_REQUIRED = "approvalRequired";

  private final RestartSteps steps;

  public RollingRestartStartRule(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(RollingRestartRequest.RUNBOOK);
  }

  @Override
  public List<LockTarget> locks(Map<String, String> frozen) {
    return RestartSteps.locks(frozen);
  }

  @Override
  public void validate(DelegateExecution execution) {
    SwitchoverProperties settings = steps.settings();
    Map.Entry<String, ServiceCatalogue> catalogue = steps.latestCatalogue();
    RollingRestartRequest request =
        RollingRestartRequest.parse(
            text(execution, RestartSteps.SERVICE),
            text(execution, RestartSteps.DC),
            text(execution, RestartSteps.HOSTS),
            text(execution, RestartSteps.BATCH_SIZE),
            text(execution, RestartSteps.ACTION),
            text(execution, RunVariableNames.MODE),
            text(execution, REASON),
            text(execution, TICKET),
            catalogue.getValue(),
            settings.datacenters());
    RestartPlan plan = RestartPlan.of(request, steps.conftool(), settings.datacenters());
    ServicePolicy policy = request.policy();
    steps.freezeRun(
        execution,
        policy.service(),
        request.dc(),
        request.action().value(),
        request.mode(),
        request.reason(),
        request.ticket(),
        catalogue.getKey(),
        plan);
    RunContexts runs = steps.runs();
    runs.freeze(execution, RestartSteps.HOSTS, String.join(",", request.hosts()));
    runs.freeze(
        execution, RestartSteps.BATCH_SIZE, request.batchSize().map(String::valueOf).orElse(""));
    runs.freeze(execution, APPROVAL_TIMEOUT, settings.approvalTimeout().toString());
    runs.freeze(execution, APPROVAL_REMINDER, settings.approvalReminder().toString());
    execution.setVariable(RUNBOOK, RollingRestartRequest.RUNBOOK);
    execution.setVariable(
        "target", request.action().value() + " " + policy.service() + " in " + request.dc());
    execution.setVariable(
        APPROVAL_REQUIRED, policy.approval() && request.mode() == ExecutionMode.LIVE);
  }
}
