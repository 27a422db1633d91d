package org.switchman.process.foureyes;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricProcessInstanceEntity;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricProcessInstanceManager;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchman.process.security.UserIds;

/**
 * The four-eyes rule on approval tasks, the single choke point for Tasklist and REST alike.
 *
 * <ul>
 *   <li>on {@code assignment}: the person who started the run (the root process instance) may not
 *       become the assignee; with distinct approvers, neither may someone who approved an earlier
 *       gate of the run;
 *   <li>on {@code complete}: the authenticated user must exist, must not be the starter and, with
 *       distinct approvers, must not have approved an earlier gate. The authenticated user is
 *       checked, not the assignee, because the engine lets anyone with task permission complete a
 *       task assigned to someone else. The completer becomes the assignee, so that history names
 *       the approver.
 * </ul>
 *
 * <p>A refusal throws {@link FourEyesViolationException}, which rolls the engine transaction back
 * and leaves the task open; {@link ApprovalRecorder} records it in a transaction of its own.
 */
public class FourEyesTaskListener implements TaskListener {

  private static final Logger LOG = LoggerFactory.getLogger(FourEyesTaskListener.class);

  private final ApprovalRecorder recorder;

  public FourEyesTaskListener(ApprovalRecorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public void notify(DelegateTask task) {
    String event = task.getEventName();
    if (EVENTNAME_ASSIGNMENT.equals(event)) {
      String assignee = task.getAssignee();
      if (assignee != null) {
        check(task, assignee, "claim");
      }
    } else if (EVENTNAME_COMPLETE.equals(event)) {
      String actor = Context.getCommandContext().getAuthenticatedUserId();
      if (actor == null) {
        refuse(task, "anonymous", "complete", "an approval must be given by an authenticated user");
      }
      check(task, actor, "complete");
      if (!UserIds.same(actor, task.getAssignee())) {
        ((TaskEntity) task).setAssigneeWithoutCascade(actor);
      }
      recorder.approved(task, actor);
      LOG.info(
          "Approval task {} ({}) of run {} completed by {}",
          task.getTaskDefinitionKey(),
          task.getName(),
          task.getProcessInstanceId(),
          actor);
    }
  }

  private void check(DelegateTask task, String user, String action) {
    String starter = starterOf(task);
    if (UserIds.same(user, starter)) {
      refuse(task, user, action, user + " started this run and cannot approve it");
    }
    if (requiresDistinctApprovers(task)) {
      HistoricTaskInstance earlier = earlierApprovalBy(task, user);
      if (earlier != null) {
        refuse(
            task,
            user,
            action,
            user
                + " already approved '"
                + nameOf(earlier)
                + "' of this run; a different approver must decide '"
                + task.getName()
                + "'");
      }
    }
  }

  private void refuse(DelegateTask task, String user, String action, String reason) {
    LOG.warn(
        "Four-eyes refusal: {} tried to {} task {} ({}) of run {}: {}",
        user,
        action,
        task.getTaskDefinitionKey(),
        task.getName(),
        task.getProcessInstanceId(),
        reason);
    recorder.refused(task, user, action, reason);
    throw new FourEyesViolationException(reason);
  }

  /** The user who started the run: the start user of the root process instance, from history. */
  private static String starterOf(DelegateTask task) {
    HistoricProcessInstanceManager history =
        Context.getCommandContext().getHistoricProcessInstanceManager();
    HistoricProcessInstanceEntity own =
        history.findHistoricProcessInstance(task.getProcessInstanceId());
    if (own == null) {
      throw new IllegalStateException(
          "No history for run "
              + task.getProcessInstanceId()
              + ": four-eyes needs history level full");
    }
    String rootId = own.getRootProcessInstanceId();
    HistoricProcessInstanceEntity root =
        rootId == null || rootId.equals(own.getId())
            ? own
            : history.findHistoricProcessInstance(rootId);
    return root == null ? own.getStartUserId() : root.getStartUserId();
  }

  private static boolean requiresDistinctApprovers(DelegateTask task) {
    ProcessDefinitionEntity definition =
        ((ExecutionEntity) task.getExecution()).getProcessDefinition();
    return Boolean.TRUE.equals(definition.getProperty(FourEyesParseListener.DISTINCT_MARK));
  }

  private static HistoricTaskInstance earlierApprovalBy(DelegateTask task, String user) {
    CommandContext context = Context.getCommandContext();
    ProcessDefinitionEntity definition =
        ((ExecutionEntity) task.getExecution()).getProcessDefinition();
    List<HistoricTaskInstance> finished =
        context.runWithoutAuthorization(
            () ->
                context
                    .getProcessEngineConfiguration()
                    .getHistoryService()
                    .createHistoricTaskInstanceQuery()
                    .processInstanceId(task.getProcessInstanceId())
                    .finished()
                    .list());
    for (HistoricTaskInstance earlier : finished) {
      if (!UserIds.same(user, earlier.getAssignee())) {
        continue;
      }
      ActivityImpl activity = definition.findActivity(earlier.getTaskDefinitionKey());
      boolean approval =
          activity != null
              && Boolean.TRUE.equals(activity.getProperty(FourEyesParseListener.APPROVAL_MARK));
      boolean completed = "completed".equals(earlier.getDeleteReason());
      if (approval && completed && !earlier.getId().equals(task.getId())) {
        return earlier;
      }
    }
    return null;
  }

  private static String nameOf(HistoricTaskInstance task) {
    return task.getName() != null ? task.getName() : task.getTaskDefinitionKey();
  }
}
