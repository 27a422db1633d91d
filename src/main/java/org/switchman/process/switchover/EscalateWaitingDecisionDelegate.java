package org.switchman.process.switchover;

import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.SECTION;
import static org.switchman.process.RunVariableNames.TICKET;

import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.EngineHooks;
import org.switchman.process.RunContexts;
import org.switchman.process.metrics.DecisionEscalations;
import org.switchman.process.metrics.StepFailures;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * An operator decision inside the read-only window is still open: MediaWiki stays read-only until
 * someone decides, so the run says so in the ops log (and the webhook), the journal and {@link
 * DecisionEscalations}, at each tick of the task's escalation timer. A database lockdown started
 * alone (not called by a switchover) has no read-only window and escalates nothing.
 */
@Component
public class EscalateWaitingDecisionDelegate implements JavaDelegate {

  private final RunContexts runs;
  private final OpsLog opsLog;
  private final Journal journal;
  private final DecisionEscalations escalations;

  public EscalateWaitingDecisionDelegate(
      RunContexts runs, OpsLog opsLog, Journal journal, DecisionEscalations escalations) {
    this.runs = runs;
    this.opsLog = opsLog;
    this.journal = journal;
    this.escalations = escalations;
  }

  @Override
  public void execute(DelegateExecution execution) {
    String runbook = StepFailures.runbookOf(execution.getProcessDefinitionId());
    if (RunContexts.isRoot(execution) && !SwitchoverRequest.RUNBOOK.equals(runbook)) {
      return;
    }
    WaitingDecision waiting = WaitingDecision.of(execution);
    RunContext run = runs.of(execution, waiting.key());
    Object section = execution.getVariable(SECTION);
    String detail =
        "run "
            + run.runId()
            + ": '"
            + waiting.name()
            + "'"
            + (section != null ? " (section " + section + ")" : "")
            + " has waited "
            + waiting.waitedText()
            + " for an operator decision; MediaWiki is read-only until it is decided";
    journal.append(
        JournalKind.ESCALATION
            .entry(
                RunContexts.origin(run).as(JournalEntry.SYSTEM),
                waiting.name(),
                "decision waiting",
                "WAITING",
                detail)
            .withDurationMillis(waiting.waited().toMillis()));
    opsLog.record(
        new OpsEvent(
            Instant.now(),
            OpsEvent.Kind.ESCALATION,
            SwitchoverRequest.RUNBOOK,
            run.runId(),
            null,
            runs.frozen(execution, REASON),
            runs.frozen(execution, TICKET),
            detail));
    EngineHooks.afterCommit(() -> escalations.escalated(runbook, waiting.key()));
  }
}
