package org.switchman.process.switchover;

import static org.switchman.process.RunVariableNames.OUTCOME;
import static org.switchman.process.switchover.SwitchoverVars.MAINTENANCE_WAS_RUNNING;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunVariables;

/** Rolls a stopped switchover back; a part that fails raises an incident after the retries. */
@Component
public class RollBackSwitchoverDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public RollBackSwitchoverDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    steps
        .switchover()
        .rollback()
        .perform(
            steps.context(execution),
            steps.request(execution),
            steps.ttls(execution),
            RunVariables.split(steps.frozen(execution, MAINTENANCE_WAS_RUNNING)));
    execution.setVariable(OUTCOME, "rolled-back");
  }
}
