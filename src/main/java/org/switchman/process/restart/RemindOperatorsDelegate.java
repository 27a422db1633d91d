package org.switchman.process.restart;

import static org.switchman.process.RunVariableNames.FAILURE_MESSAGE;
import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.TICKET;

import java.time.Duration;
import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.task.Task;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.RunContexts;
import org.switchman.process.metrics.StepFailures;
import org.switchman.runbook.RunContext;

/**
 * An operator decision is still open, at each tick of its reminder timer: what the run acts on
 * stays as it is (a batch's failed hosts, depooled if they were; a host being rebooted) and the run
 * holds its locks until someone decides, so the run says so in the ops log (and the webhook) and
 * the journal, with the failure.
 *
 * <p>The diagram's service task may name the decision with input parameters: {@code decisionTask}
 * (the user task's id, default {@value #DECISION}) and {@code leftAsIs} (what stays as it is,
 * default the failed hosts).
 */
@Component
public class RemindOperatorsDelegate implements JavaDelegate {

  static final String DECISION = "UserTask_DecideOnFailedHosts";

  private final RunContexts runs;
  private final OpsLog opsLog;
  private final Journal journal;

  public RemindOperatorsDelegate(RunContexts runs, OpsLog opsLog, Journal journal) {
    this.runs = runs;
    this.opsLog = opsLog;
    this.journal = journal;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Object named = execution.getVariableLocal("decisionTask");
    String decision = named == null ? DECISION : named.toString();
    Object leftAsIs = execution.getVariableLocal("leftAsIs");
    RunContext run = runs.of(execution, decision);
    java.util.List<Task> open =
        execution
            .getProcessEngineServices()
            .getTaskService()
            .createTaskQuery()
            .processInstanceId(execution.getProcessInstanceId())
            .taskDefinitionKey(decision)
            .list();
    Instant opened =
        open.stream()
            .map(Task::getCreateTime)
            .map(java.util.Date::toInstant)
            .min(Instant::compareTo)
            .orElse(RestartSteps.now());
    String taskName =
        open.stream().map(Task::getName).findFirst().orElse("Decide: hosts of the batch failed");
    Duration waited = Duration.between(opened, RestartSteps.now());
    Object failed = execution.getVariable(FAILURE_MESSAGE);
    String detail =
        "run "
            + run.runId()
            + ": the decision '"
            + taskName
            + "' has waited "
            + waited.toMinutes()
            + " min; until someone decides, the run holds its locks and "
            + (leftAsIs == null ? "these hosts stay as they are" : leftAsIs)
            + ": "
            + (failed == null ? "(see the task)" : failed.toString().replace('\n', ' '));
    journal.append(
        JournalKind.ESCALATION
            .entry(
                RunContexts.origin(run).as(JournalEntry.SYSTEM),
                taskName,
                "decision waiting",
                "WAITING",
                detail)
            .withDurationMillis(waited.toMillis()));
    opsLog.record(
        new OpsEvent(
            Instant.now(),
            OpsEvent.Kind.ESCALATION,
            StepFailures.runbookOf(execution.getProcessDefinitionId()),
            run.runId(),
            null,
            runs.frozen(execution, REASON),
            runs.frozen(execution, TICKET),
            detail.length() > 1000 ? detail.substring(0, 1000) + " …" : detail));
  }
}
