package org.switchman.process.switchover;

import static org.switchman.process.RunVariableNames.SECTION;
import static org.switchman.process.switchover.SwitchoverVars.DC_FROM;
import static org.switchman.process.switchover.SwitchoverVars.DC_TO;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalKind;
import org.switchman.process.RunContexts;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.dblockdown.DbLockdown;

/**
 * Phase 3 for one section: the old site's master read-only, then the heartbeat catch-up. A
 * tolerated failure (live-test) is journaled as a warning. The step is registered while it runs
 * ({@link SectionStepsInFlight}), so a rollback of the lockdown waits for it.
 */
@Component
public class LockDownSectionDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;
  private final Journal journal;
  private final SectionStepsInFlight inFlight;

  public LockDownSectionDelegate(
      SwitchoverSteps steps, Journal journal, SectionStepsInFlight inFlight) {
    this.steps = steps;
    this.journal = journal;
    this.inFlight = inFlight;
  }

  @Override
  public void execute(DelegateExecution execution) {
    String section = SwitchoverSteps.text(execution, SECTION);
    String step = execution.getCurrentActivityId() + "[" + section + "]";
    String dcFrom = steps.frozen(execution, DC_FROM);
    String dcTo = steps.frozen(execution, DC_TO);
    DbLockdown.SectionResult result =
        inFlight.run(
            execution.getProcessInstanceId(),
            section,
            () ->
                steps.checked(
                    execution,
                    () ->
                        steps
                            .switchover()
                            .lockDownSection(
                                steps.context(execution, step), section, dcFrom, dcTo)));
    RunContext run = steps.runs().of(execution, step);
    result
        .warning()
        .ifPresent(
            warning ->
                journal.append(
                    JournalKind.WARNING.entry(
                        RunContexts.origin(run),
                        "section " + section,
                        "catch-up check",
                        "TOLERATED",
                        warning)));
  }
}
