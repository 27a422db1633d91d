package org.switchman.process.discovery;

import static org.switchman.process.RunContexts.text;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.config.SwitchoverProperties;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.process.RunbookStartRule;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.discovery.DatacenterPoolingRequest;
import org.switchman.runbook.discovery.DatacenterPoolingRequest.Action;
import org.switchman.runbook.discovery.PoolingChange;

/**
 * Checks the start input of a {@code discovery-datacenter} run and, for a pool or depool, plans
 * every service from conftool before anything is changed: bad input, an unknown or MediaWiki
 * service, and a plan that would leave a service pooled nowhere fail the start with every problem
 * named, and no run exists afterwards. On success it freezes the request and the plan, which the
 * steps read from then on, and a pool or depool takes the runbook's one lock; a status reads only
 * and takes none.
 */
@Component
public class DatacenterPoolingStartRule implements RunbookStartRule {

  /**
   * Whether the run waits for GO/NOGO first: a live run that takes any service out of a site it is
   * pooled in (a depool, or a pool that moves an active/passive service away from its site).
   */
  static final String APPROVAL_REQUIRED = "approvalRequired";

  /** Whether an operator must choose the new site of an active/passive service. */
  static final String CHOICES_PENDING = "choicesPending";

  private final DiscoverySteps steps;

  public DatacenterPoolingStartRule(DiscoverySteps steps) {
    this.steps = steps;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(DatacenterPoolingRequest.RUNBOOK);
  }

  @Override
  public List<LockTarget> locks(Map<String, String> frozen) {
    return Action.STATUS.value().equals(frozen.get(DiscoverySteps.ACTION))
        ? List.of()
        : List.of(DiscoverySteps.LOCK);
  }

  @Override
  public void validate(DelegateExecution execution) {
    SwitchoverProperties settings = steps.settings();
    DatacenterPoolingRequest request =
        DatacenterPoolingRequest.parse(
            text(execution, DiscoverySteps.ACTION),
            text(execution, DiscoverySteps.DC),
            text(execution, DiscoverySteps.SERVICES),
            text(execution, RunVariableNames.MODE),
            text(execution, RunVariableNames.REASON),
            text(execution, RunVariableNames.TICKET),
            settings.datacenters());
    List<PoolingChange> changes =
        steps.pooling().plan(request).stream().filter(PoolingChange::changes).toList();
    RunContexts runs = steps.runs();
    runs.freeze(execution, DiscoverySteps.ACTION, request.action().value());
    runs.freeze(execution, DiscoverySteps.DC, request.dc());
    runs.freeze(execution, DiscoverySteps.SERVICES, String.join(",", request.services()));
    runs.freeze(execution, RunVariableNames.MODE, request.mode().value());
    runs.freeze(execution, RunVariableNames.REASON, request.reason());
    runs.freeze(execution, RunVariableNames.TICKET, request.ticket());
    runs.freezeDecisionTimes(execution, settings);
    runs.freezeUnshown(
        execution,
        DiscoverySteps.PLAN,
        changes.stream().map(PoolingChange::encode).collect(Collectors.joining("\n")));
    execution.setVariable(DiscoverySteps.PLAN_SUMMARY, DiscoverySteps.summary(changes));
    execution.setVariable(
        DiscoverySteps.CHANGED_SERVICES,
        changes.stream().map(PoolingChange::service).collect(Collectors.joining(",")));
    List<String> toChoose =
        changes.stream().filter(PoolingChange::pendingChoice).map(PoolingChange::service).toList();
    execution.setVariable(DiscoverySteps.SERVICES_TO_CHOOSE, String.join(",", toChoose));
    execution.setVariable(CHOICES_PENDING, !toChoose.isEmpty());
    execution.setVariable(RunVariableNames.RUNBOOK, DatacenterPoolingRequest.RUNBOOK);
    execution.setVariable("target", request.action().value() + " " + request.dc());
    execution.setVariable(
        APPROVAL_REQUIRED,
        request.mode() == ExecutionMode.LIVE
            && changes.stream().anyMatch(PoolingChange::depoolsAnySite));
  }
}
