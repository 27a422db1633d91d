package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.*;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.dblockdown.DbLockdown;

/**
 * Phase 3 for one section: the old site's master read-only, then the heartbeat catch-up. A
 * tolerated failure (live-test) is journaled as a warning.
 */
@Component
public class LockDownSectionDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;
  private final Journal journal;

  public LockDownSectionDelegate(SwitchoverSteps steps, Journal journal) {
    this.steps = steps;
    this.journal = journal;
  }

  @Override
  public void execute(DelegateExecution execution) {
    String section = SwitchoverSteps.text(execution, SECTION);
    RunContext run = steps.context(execution, execution.getCurrentActivityId() + "[" + section + "]");
    DbLockdown.SectionResult result = steps.checked(execution, () -> steps.switchover()
        .lockDownSection(run, section, steps.frozen(execution, DC_FROM),
            steps.frozen(execution, DC_TO)));
    result.warning().ifPresent(warning -> journal.append(new JournalEntry.Draft(run.runId(),
        run.step(), run.actor(), run.mode().value(), "WARNING", "section " + section,
        "catch-up check", "TOLERATED", warning, null, null)));
  }
}
