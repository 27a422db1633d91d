package org.switchman.process.switchover;

import static org.switchman.process.RunVariableNames.SECTION;
import static org.switchman.process.switchover.SwitchoverVars.DC_FROM;
import static org.switchman.process.switchover.SwitchoverVars.DC_TO;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Phase 6 for one section: the new site's master read-write. The step is registered while it runs
 * ({@link SectionStepsInFlight}), so a rollback of the lockdown waits for it.
 */
@Component
public class UnlockSectionDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;
  private final SectionStepsInFlight inFlight;

  public UnlockSectionDelegate(SwitchoverSteps steps, SectionStepsInFlight inFlight) {
    this.steps = steps;
    this.inFlight = inFlight;
  }

  @Override
  public void execute(DelegateExecution execution) {
    String section = SwitchoverSteps.text(execution, SECTION);
    String step = execution.getCurrentActivityId() + "[" + section + "]";
    String dcFrom = steps.frozen(execution, DC_FROM);
    String dcTo = steps.frozen(execution, DC_TO);
    inFlight.run(
        execution.getProcessInstanceId(),
        section,
        () ->
            steps.checked(
                execution,
                () ->
                    steps
                        .switchover()
                        .unlockSection(steps.context(execution, step), section, dcFrom, dcTo)));
  }
}
