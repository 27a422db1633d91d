package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.*;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;
import org.switchman.config.SwitchoverProperties;
import org.switchman.process.RunContexts;
import static org.switchman.process.RunContexts.text;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Checks the start-form input when a switchover starts, before anything is changed. Bad input
 * fails the start itself, with a message naming every problem, so no run exists afterwards. On
 * success it writes the normalized input and the run's settings (sections, approval timeout and
 * reminder, the active datacenter) as variables.
 */
@Component
public class ValidateSwitchoverRequestListener implements ExecutionListener {

  private final SwitchoverSteps steps;

  public ValidateSwitchoverRequestListener(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void notify(DelegateExecution execution) {
    SwitchoverProperties settings = steps.settings();
    String active = steps.switchover().masterDatacenter();
    SwitchoverRequest request = SwitchoverRequest.parse(text(execution, DC_FROM),
        text(execution, DC_TO), text(execution, RunContexts.MODE), text(execution, REASON),
        text(execution, TICKET), text(execution, READ_ONLY_BUDGET), text(execution, IN_FLIGHT_GRACE),
        settings.datacenters(), active);
    execution.setVariable(DC_FROM, request.dcFrom());
    execution.setVariable(DC_TO, request.dcTo());
    execution.setVariable(RunContexts.MODE, request.mode().value());
    execution.setVariable(REASON, request.reason());
    execution.setVariable(TICKET, request.ticket());
    execution.setVariable(READ_ONLY_BUDGET, request.readOnlyBudget().toString());
    execution.setVariable(IN_FLIGHT_GRACE, request.inFlightGrace().toString());
    execution.setVariable(IN_FLIGHT_GRACE_SECONDS, request.inFlightGrace().toSeconds());
    execution.setVariable(WARM_UP_CACHES, Boolean.TRUE.equals(execution.getVariable(WARM_UP_CACHES)));
    execution.setVariable(RunContexts.ACTIVE_DATACENTER, request.activeDatacenter());
    execution.setVariable(SECTIONS, String.join(",", steps.sections()));
    execution.setVariable(APPROVAL_TIMEOUT, settings.approvalTimeout().toString());
    execution.setVariable(APPROVAL_REMINDER, settings.approvalReminder().toString());
    execution.setVariable(READ_ONLY_BUDGET_EXCEEDED, false);
  }
}
