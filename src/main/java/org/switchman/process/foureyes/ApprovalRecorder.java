package org.switchman.process.foureyes;

import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.AddCommentCmd;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.JournalOutbox;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.RunVariableNames;

/**
 * Records what happens at approval tasks, in the audit journal and in engine history.
 *
 * <ul>
 *   <li>A four-eyes <b>refusal</b> rolls back the engine transaction it happened in, so it is
 *       recorded in transactions of its own: a journal entry ({@code REFUSAL}) and a comment on the
 *       task, which Tasklist shows.
 *   <li>An <b>approval</b> is journaled ({@code APPROVAL}, with the decision and comment) and
 *       written to the ops log in the engine transaction that completes the task, through the
 *       {@link JournalOutbox} and the {@link OpsLog}'s table: both exist exactly when the
 *       completion has committed, even if the process dies right after the commit or the journal
 *       cannot be written then (the outbox chains the entry later; the approver's answer does not
 *       depend on it).
 * </ul>
 */
public class ApprovalRecorder {

  public static final String REFUSAL_COMMENT_PREFIX = "Four-eyes refusal";

  private final Journal journal;
  private final JournalOutbox journalOutbox;
  private final OpsLog opsLog;
  private ProcessEngineConfigurationImpl configuration;

  public ApprovalRecorder(Journal journal, JournalOutbox journalOutbox, OpsLog opsLog) {
    this.journal = journal;
    this.journalOutbox = journalOutbox;
    this.opsLog = opsLog;
  }

  /** Set once the engine configuration exists (the plugin calls it before the engine is built). */
  void bind(ProcessEngineConfigurationImpl configuration) {
    this.configuration = configuration;
  }

  void refused(DelegateTask task, String user, String action, String reason) {
    journal.append(
        draft(task, user, JournalKind.REFUSAL, action + " " + describe(task), "REFUSED", reason));
    String message =
        REFUSAL_COMMENT_PREFIX
            + ": "
            + user
            + " tried to "
            + action
            + " this task. "
            + reason
            + ".";
    Command<Void> addComment =
        context -> {
          context.runWithoutAuthorization(
              new AddCommentCmd(task.getId(), task.getProcessInstanceId(), message));
          return null;
        };
    configuration.getCommandExecutorTxRequiresNew().execute(addComment);
  }

  void approved(DelegateTask task, String user) {
    Object decision = task.getVariable(RunVariableNames.DECISION);
    Object comment = task.getVariable(RunVariableNames.COMMENT);
    JournalEntry.Draft entry =
        draft(
            task,
            user,
            JournalKind.APPROVAL,
            "complete " + describe(task),
            decision == null ? "COMPLETED" : decision.toString(),
            comment == null ? null : comment.toString());
    OpsEvent line =
        new OpsEvent(
            Instant.now(),
            OpsEvent.Kind.DECISION,
            ((ExecutionEntity) task.getExecution()).getProcessDefinition().getKey(),
            task.getProcessInstanceId(),
            user,
            text(task.getVariable(RunVariableNames.REASON)),
            text(task.getVariable(RunVariableNames.TICKET)),
            entry.outcome() + " at " + describe(task) + (comment == null ? "" : ": " + comment));
    journalOutbox.append(entry);
    opsLog.record(line);
  }

  private static JournalEntry.Draft draft(
      DelegateTask task,
      String user,
      JournalKind kind,
      String action,
      String outcome,
      String output) {
    Object mode = task.getVariable(RunVariableNames.MODE);
    return kind.entry(
        new JournalEntry.Origin(
            task.getProcessInstanceId(),
            task.getTaskDefinitionKey(),
            user,
            mode == null ? "live" : mode.toString()),
        "task " + task.getId(),
        action,
        outcome,
        output);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static String describe(DelegateTask task) {
    return "'" + (task.getName() != null ? task.getName() : task.getTaskDefinitionKey()) + "'";
  }
}
