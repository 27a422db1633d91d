package org.switchman.process.switchover;

import static org.switchman.process.RunVariableNames.APPROVAL_TIMEOUT;
import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.TICKET;

import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.RunContexts;

/** An approval has waited past its reminder time: an ops log line (and webhook) asks for it. */
@Component
public class RemindApproversDelegate implements JavaDelegate {

  private final RunContexts runs;
  private final OpsLog opsLog;

  public RemindApproversDelegate(OpsLog opsLog, RunContexts runs) {
    this.runs = runs;
    this.opsLog = opsLog;
  }

  @Override
  public void execute(DelegateExecution execution) {
    opsLog.record(
        new OpsEvent(
            Instant.now(),
            OpsEvent.Kind.REMINDER,
            execution.getProcessDefinitionId().split(":")[0],
            RunContexts.runId(execution),
            null,
            runs.frozen(execution, REASON),
            runs.frozen(execution, TICKET),
            "'"
                + execution.getCurrentActivityName()
                + "': an approval is waiting; it expires after "
                + runs.frozen(execution, APPROVAL_TIMEOUT)));
  }
}
