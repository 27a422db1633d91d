package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.*;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** After an abort in the lockdown: the old site's masters read-write again. */
@Component
public class RollBackSectionsDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public RollBackSectionsDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    org.switchman.runbook.RunContext run = steps.context(execution);
    String dcFrom = steps.frozen(execution, DC_FROM);
    String dcTo = steps.frozen(execution, DC_TO);
    for (String section : org.switchman.process.RunVariables.split(steps.frozen(execution, SECTIONS))) {
      steps.switchover().rollBackSection(run.inStep(run.step() + "[" + section + "]"), section,
          dcFrom, dcTo);
    }
  }
}
