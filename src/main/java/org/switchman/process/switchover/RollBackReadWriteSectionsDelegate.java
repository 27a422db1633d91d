package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.DC_TO;
import static org.switchman.process.switchover.SwitchoverVars.SECTIONS;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.process.RunVariables;
import org.switchman.runbook.RunContext;

/**
 * After an abort in {@code db-masters-read-write}: every new-site master this run made read-write
 * (as its journal says) read-only again, as it was before the run, once no section step of the
 * lockdown is still running ({@link SectionStepsInFlight}). Each section is tried; a failure fails
 * the step after all were tried, and the engine retries it.
 */
@Component
public class RollBackReadWriteSectionsDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;
  private final SectionStepsInFlight inFlight;
  private final Journal journal;

  public RollBackReadWriteSectionsDelegate(
      SwitchoverSteps steps, SectionStepsInFlight inFlight, Journal journal) {
    this.steps = steps;
    this.inFlight = inFlight;
    this.journal = journal;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RollBackSectionsDelegate.awaitSiblings(inFlight, execution);
    RunContext run = steps.context(execution);
    String dcTo = steps.frozen(execution, DC_TO);
    List<String> sections =
        LockdownJournal.sectionsChanged(
            journal.entriesOfRun(run.runId()),
            LockdownJournal.READ_WRITE_STEP,
            RunVariables.split(steps.frozen(execution, SECTIONS)));
    List<String> failures = new ArrayList<>();
    for (String section : sections) {
      try {
        steps
            .switchover()
            .rollback()
            .newMasterReadOnly(run.inStep(run.step() + "[" + section + "]"), section, dcTo);
      } catch (RuntimeException e) {
        failures.add(section + ": " + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("Rollback incomplete: " + String.join("; ", failures));
    }
  }
}
