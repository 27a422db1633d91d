package org.switchman.process.switchover;

import static org.switchman.process.RunContexts.text;
import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.RUNBOOK;
import static org.switchman.process.RunVariableNames.TICKET;
import static org.switchman.process.switchover.SwitchoverVars.DC_FROM;
import static org.switchman.process.switchover.SwitchoverVars.DC_TO;
import static org.switchman.process.switchover.SwitchoverVars.IN_FLIGHT_GRACE;
import static org.switchman.process.switchover.SwitchoverVars.IN_FLIGHT_GRACE_SECONDS;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_BUDGET;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_BUDGET_EXCEEDED;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_OVERRUN_INTERVAL;
import static org.switchman.process.switchover.SwitchoverVars.WARM_UP_CACHES;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.config.SwitchoverProperties;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.process.RunbookStartRule;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Checks the start-form input when a switchover starts, before anything is changed. Bad input fails
 * the start itself, with a message naming every problem, so no run exists afterwards. On success it
 * freezes the normalized request and the run's settings (sections, approval timeout and reminder,
 * escalation intervals, the active datacenter), which the steps read from then on.
 */
@Component
public class SwitchoverStartRule implements RunbookStartRule {

  private final SwitchoverSteps steps;

  public SwitchoverStartRule(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(SwitchoverRequest.RUNBOOK);
  }

  @Override
  public List<LockTarget> locks(Map<String, String> frozen) {
    return List.of(new LockTarget(SwitchoverRequest.RUNBOOK, "mediawiki"));
  }

  @Override
  public void validate(DelegateExecution execution) {
    SwitchoverProperties settings = steps.settings();
    SwitchoverRequest request =
        SwitchoverRequest.parse(
            text(execution, DC_FROM),
            text(execution, DC_TO),
            text(execution, RunVariableNames.MODE),
            text(execution, REASON),
            text(execution, TICKET),
            text(execution, READ_ONLY_BUDGET),
            text(execution, IN_FLIGHT_GRACE),
            settings.datacenters(),
            steps.switchover()::masterDatacenter);
    steps.freeze(execution, request, request.activeDatacenter());
    RunContexts runs = steps.runs();
    runs.freeze(execution, READ_ONLY_BUDGET, request.readOnlyBudget().toString());
    runs.freeze(execution, IN_FLIGHT_GRACE, request.inFlightGrace().toString());
    runs.freezeDecisionTimes(execution, settings);
    runs.freeze(
        execution, READ_ONLY_OVERRUN_INTERVAL, settings.readOnlyOverrunInterval().toString());
    execution.setVariable(IN_FLIGHT_GRACE_SECONDS, request.inFlightGrace().toSeconds());
    execution.setVariable(
        WARM_UP_CACHES, Boolean.TRUE.equals(execution.getVariable(WARM_UP_CACHES)));
    execution.setVariable(RUNBOOK, SwitchoverRequest.RUNBOOK);
    execution.setVariable(READ_ONLY_BUDGET_EXCEEDED, false);
    // phases 0, 8 and 9 run their steps side by side
    RunVariableNames.FAILURE.forEach(name -> execution.setVariable(name, null));
  }
}
