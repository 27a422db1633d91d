package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.DC_FROM;
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
 * After an abort in {@code db-masters-read-only}: every old-site master this run made read-only (as
 * its journal says) read-write again, once no section step of the lockdown is still running ({@link
 * SectionStepsInFlight}). Each section is tried; a failure fails the step after all were tried, and
 * the engine retries it.
 */
@Component
public class RollBackSectionsDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;
  private final SectionStepsInFlight inFlight;
  private final Journal journal;

  public RollBackSectionsDelegate(
      SwitchoverSteps steps, SectionStepsInFlight inFlight, Journal journal) {
    this.steps = steps;
    this.inFlight = inFlight;
    this.journal = journal;
  }

  @Override
  public void execute(DelegateExecution execution) {
    awaitSiblings(inFlight, execution);
    RunContext run = steps.context(execution);
    String dcFrom = steps.frozen(execution, DC_FROM);
    String dcTo = steps.frozen(execution, DC_TO);
    List<String> sections =
        LockdownJournal.sectionsChanged(
            journal.entriesOfRun(run.runId()),
            LockdownJournal.READ_ONLY_STEP,
            RunVariables.split(steps.frozen(execution, SECTIONS)));
    List<String> failures = new ArrayList<>();
    for (String section : sections) {
      try {
        steps
            .switchover()
            .rollback()
            .oldMasterReadWrite(
                run.inStep(run.step() + "[" + section + "]"), section, dcFrom, dcTo);
      } catch (RuntimeException e) {
        failures.add(section + ": " + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("Rollback incomplete: " + String.join("; ", failures));
    }
  }

  /**
   * Closes the lockdown to new section steps and waits for the running ones.
   *
   * @throws IllegalStateException naming the sections still running past the wait, so the engine
   *     retries the rollback rather than run it under them
   */
  static void awaitSiblings(SectionStepsInFlight inFlight, DelegateExecution execution) {
    List<String> still = inFlight.closeAndAwait(execution.getProcessInstanceId());
    if (!still.isEmpty()) {
      throw new IllegalStateException(
          "The step of section(s) "
              + String.join(", ", still)
              + " is still running; the rollback waits for it and is retried");
    }
  }
}
