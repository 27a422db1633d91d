package org.switchman.process.switchover;

import static org.switchman.process.RunVariableNames.OUTCOME;
import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.TICKET;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_ENDED_AT;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalKind;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.RunContexts;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.SwitchoverChecks;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * The last step of a switchover: reads the site and sets the run's outcome to {@code
 * switched-over}, or to {@code switched-over-with-exceptions} when an end-state rule does not hold
 * (a skipped step, a hand-made change), or when the new masters take no edits or do not replicate
 * back to the old ones after ReadOnly off. The broken rules are journaled ({@code INVARIANTS}), so
 * the run report lists them, and escalated in the ops log and its webhook.
 */
@Component
public class CheckSwitchedOverStateDelegate implements JavaDelegate {

  static final String SWITCHED_OVER = "switched-over";
  static final String WITH_EXCEPTIONS = "switched-over-with-exceptions";

  private final SwitchoverSteps steps;
  private final Journal journal;
  private final OpsLog opsLog;

  public CheckSwitchedOverStateDelegate(SwitchoverSteps steps, Journal journal, OpsLog opsLog) {
    this.steps = steps;
    this.journal = journal;
    this.opsLog = opsLog;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RunContext run = steps.context(execution);
    SwitchoverRequest request = steps.request(execution);
    SwitchoverChecks checks = steps.switchover().checks();
    List<String> broken =
        new ArrayList<>(checks.brokenInvariants(run, request, steps.ttls(execution)));
    Object readWriteAgain = execution.getVariable(READ_ONLY_ENDED_AT);
    if (readWriteAgain != null) {
      broken.addAll(
          checks.writesOnTheNewSite(run, request, Instant.parse(readWriteAgain.toString())));
    }
    execution.setVariable(OUTCOME, broken.isEmpty() ? SWITCHED_OVER : WITH_EXCEPTIONS);
    journal.append(
        JournalKind.INVARIANTS.entry(
            RunContexts.origin(run),
            "site",
            "check the switched-over state",
            run.mode() != ExecutionMode.LIVE ? "NOT-CHECKED" : broken.isEmpty() ? "HOLD" : "BROKEN",
            broken.isEmpty() ? null : String.join("\n", broken)));
    if (!broken.isEmpty()) {
      opsLog.record(
          new OpsEvent(
              Instant.now(),
              OpsEvent.Kind.ESCALATION,
              "dc-switchover",
              run.runId(),
              null,
              steps.frozen(execution, REASON),
              steps.frozen(execution, TICKET),
              "switched over with exceptions: " + String.join("; ", broken)));
    }
  }
}
