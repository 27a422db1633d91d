package org.switchman.process.tasks;

import java.time.Duration;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.camunda.bpm.engine.impl.UserOperationLogQueryImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.CompleteTaskCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitTaskFormCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricTaskInstanceEntity;

/**
 * Turns the loser of a race to complete the same task into a clear answer. When two people complete
 * one task at the same time (two approvers pressing GO), the engine lets exactly one commit. The
 * other fails with an {@link OptimisticLockingException} (a concurrent update of the task), with
 * "cannot find task" if it came a moment later, or with a missing {@code TASK_WORK} permission (the
 * winner's commit deleted the task's grants) while the task still looked open to it; a completion
 * racing the timer that closes the task may even fail inside the engine on the task's missing
 * parts. None of those says what happened, and REST would answer 500.
 *
 * <p>This interceptor sits outside the engine's transaction, so it also sees failures at commit.
 * For a failed completion it reads the task's history in a transaction of its own and throws {@link
 * TaskNoLongerOpenException} naming who completed it and when, or that the run closed it (an
 * expired approval, an abort, a cancellation). The late completion changed nothing: its transaction
 * was rolled back, so it wrote no journal entry and history names only the winner.
 */
public class LateCompletions extends CommandInterceptor {

  private static final ThreadLocal<String> LAST_ON_THREAD = new ThreadLocal<>();

  private final ProcessEngineConfigurationImpl configuration;

  /**
   * The explanation of the last late completion refused on this thread, and forgets it: for the
   * webapps' API, whose task resource turns every engine exception of a completion into a 500
   * before any mapper of Switchman's sees it.
   */
  public static String takeLastOnThisThread() {
    String last = LAST_ON_THREAD.get();
    LAST_ON_THREAD.remove();
    return last;
  }

  public LateCompletions(ProcessEngineConfigurationImpl configuration) {
    this.configuration = configuration;
  }

  @Override
  public <T> T execute(Command<T> command) {
    boolean completion = command instanceof CompleteTaskCmd || command instanceof SubmitTaskFormCmd;
    if (!completion || Context.getCommandContext() != null) {
      return next.execute(command);
    }
    try {
      return next.execute(command);
    } catch (RuntimeException failure) {
      // the winner's commit also deletes the task's own TASK_WORK grant, so a loser may be told it
      // lacks the permission; and a completion racing the timer that closes the task may fail
      // inside the engine on the task's missing parts: either is a lost race only if the task has
      // ended meanwhile
      boolean race = lostRace(failure);
      boolean onlyIfEnded =
          !race
              && (failure.getClass() == AuthorizationException.class
                  || !(failure instanceof ProcessEngineException));
      if (!race && !onlyIfEnded) {
        throw failure;
      }
      String taskId = taskOf(command);
      String explained = taskId == null ? null : explain(taskId, onlyIfEnded);
      if (explained == null) {
        throw failure;
      }
      LAST_ON_THREAD.set(explained);
      throw new TaskNoLongerOpenException(explained, failure);
    }
  }

  /** Whether the failure is what a completion meets when another one got there first. */
  static boolean lostRace(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof OptimisticLockingException) {
        return true;
      }
      if (cause instanceof NullValueException
          && cause.getMessage() != null
          && cause.getMessage().contains("Cannot find task")) {
        return true;
      }
      if (cause instanceof ProcessEngineException
          && cause.getMessage() != null
          && cause.getMessage().contains(PARENT_DELETED)) {
        return true; // the run ended (an expiry) while the completion walked its executions
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /** The engine's code for an execution whose parent was deleted while a command used it. */
  static final String PARENT_DELETED = "ENGINE-03077";

  /** How long a lost race may wait for the winner's commit to show in the task's history. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  /** What a lookup that waits for the task's end answers while the task still looks open. */
  private static final String STILL_OPEN = "";

  /**
   * Why the task could not be completed, from its history, or {@code null} if it never existed.
   * After a lost race the winner may still be committing (the loser can fail on the winner's row
   * before that commit), so a task that still looks open is read again for up to {@link #SETTLE},
   * until its history says who or what closed it. After a missing permission it is read once: a
   * refusal never waits.
   */
  private String explain(String taskId, boolean onlyIfEnded) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!onlyIfEnded && System.nanoTime() < deadline) {
      String settled =
          configuration.getCommandExecutorTxRequiresNew().execute(lookup(taskId, false, true));
      if (!STILL_OPEN.equals(settled)) {
        return settled;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return configuration
        .getCommandExecutorTxRequiresNew()
        .execute(lookup(taskId, onlyIfEnded, false));
  }

  /**
   * Reads the task's history: who completed it and when, or that the run closed it; {@code null}
   * when it never existed, or has not ended and {@code onlyIfEnded}; {@link #STILL_OPEN} when it
   * has not ended and {@code waitingForEnd}.
   */
  private static Command<String> lookup(String taskId, boolean onlyIfEnded, boolean waitingForEnd) {
    return context ->
        context.runWithoutAuthorization(
            () -> {
              HistoricTaskInstanceEntity task =
                  context.getHistoricTaskInstanceManager().findHistoricTaskInstanceById(taskId);
              if (task == null) {
                return null;
              }
              String name =
                  "'"
                      + (task.getName() != null ? task.getName() : task.getTaskDefinitionKey())
                      + "'";
              if (task.getEndTime() == null) {
                if (onlyIfEnded) {
                  return null;
                }
                if (waitingForEnd) {
                  return STILL_OPEN;
                }
                return name
                    + " is being closed at this moment, by another person or by the run;"
                    + " reload it to see what happened (your decision was not recorded)";
              }
              String at = task.getEndTime().toInstant().toString();
              if (!"completed".equals(task.getDeleteReason())) {
                return name
                    + " is no longer open: the run closed it at "
                    + at
                    + " without a decision"
                    + " (an expiry, an abort or a cancellation); your decision was not recorded";
              }
              return name
                  + " was already completed by "
                  + completer(context, taskId, task)
                  + " at "
                  + at
                  + "; your decision was not recorded";
            });
  }

  /** Who completed the task: the user operation log's entry, else the assignee history names. */
  private static String completer(
      org.camunda.bpm.engine.impl.interceptor.CommandContext context,
      String taskId,
      HistoricTaskInstanceEntity task) {
    UserOperationLogQueryImpl query = new UserOperationLogQueryImpl();
    query.taskId(taskId);
    query.operationType(UserOperationLogEntry.OPERATION_TYPE_COMPLETE);
    List<UserOperationLogEntry> entries = query.executeList(context, null);
    for (UserOperationLogEntry entry : entries) {
      if (entry.getUserId() != null) {
        return entry.getUserId();
      }
    }
    return task.getAssignee() != null ? task.getAssignee() : "someone else";
  }

  private static String taskOf(Command<?> command) {
    try {
      java.lang.reflect.Field field = null;
      for (Class<?> c = command.getClass(); c != null && field == null; c = c.getSuperclass()) {
        try {
          field = c.getDeclaredField("taskId");
        } catch (NoSuchFieldException e) {
          // the superclass may have it
        }
      }
      if (field == null) {
        return null;
      }
      field.setAccessible(true);
      return (String) field.get(command);
    } catch (IllegalAccessException e) {
      return null;
    }
  }
}
