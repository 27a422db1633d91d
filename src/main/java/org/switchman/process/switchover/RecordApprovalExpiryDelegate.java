package org.switchman.process.switchover;

import static org.switchman.process.RunVariableNames.APPROVAL_TIMEOUT;
import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.STOP_REASON;
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
import org.switchman.process.RunContexts;
import org.switchman.runbook.RunContext;

/** An approval expired: journaled and logged as a NOGO by nobody; the run then rolls back. */
@Component
public class RecordApprovalExpiryDelegate implements JavaDelegate {

  private final RunContexts runs;
  private final Journal journal;
  private final OpsLog opsLog;

  public RecordApprovalExpiryDelegate(Journal journal, OpsLog opsLog, RunContexts runs) {
    this.runs = runs;
    this.journal = journal;
    this.opsLog = opsLog;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RunContext run = runs.of(execution);
    String detail =
        "no decision within " + runs.frozen(execution, APPROVAL_TIMEOUT) + ": treated as NOGO";
    execution.setVariable(STOP_REASON, "approval expired");
    journal.append(
        JournalKind.EXPIRY.entry(
            RunContexts.origin(run).as(JournalEntry.SYSTEM),
            "approval",
            execution.getCurrentActivityName(),
            "NOGO",
            detail));
    opsLog.record(
        new OpsEvent(
            Instant.now(),
            OpsEvent.Kind.DECISION,
            execution.getProcessDefinitionId().split(":")[0],
            run.runId(),
            null,
            runs.frozen(execution, REASON),
            runs.frozen(execution, TICKET),
            "approval expired, " + detail));
  }
}
