package org.switchman.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.switchman.runbook.switchover.ManualStep;

/**
 * The switchover's two checklists of manual steps, ticked as an operator ticks them in Tasklist:
 * for the tests that drive a run past them and are about something else. The checklists' own rules
 * are tested where they are built.
 */
public final class Checklists {

  /** The preparation checklist, before the final GO/NOGO. */
  public static final String PREPARATION = "UserTask_ConfirmManualPreparation";

  /** The follow-up checklist, before the run ends. */
  public static final String FOLLOW_UP = "UserTask_ConfirmManualFollowUp";

  /** The operator who ticks them. */
  public static final String OPERATOR = "alice";

  private Checklists() {}

  /** The checklist a task of the switchover shows. */
  public static ManualStep.Checklist of(String taskKey) {
    return taskKey.equals(PREPARATION)
        ? ManualStep.Checklist.BEFORE_READ_ONLY
        : ManualStep.Checklist.AFTER_SWITCHOVER;
  }

  /** The completion variables that tick every step of a checklist, each with a note. */
  public static Map<String, Object> allTicked(ManualStep.Checklist checklist) {
    Map<String, Object> vars = new HashMap<>();
    for (ManualStep step : ManualStep.of(checklist)) {
      vars.put(step.id(), true);
      vars.put(step.id() + "Note", "done by the test");
    }
    return vars;
  }

  /**
   * Ticks every step of the run's open checklist tasks, as {@value #OPERATOR} of operators.
   *
   * @param runId the run, or {@code null} for every run
   * @return whether a checklist was open
   */
  public static boolean tickOpen(TaskService tasks, IdentityService identity, String runId) {
    var query = tasks.createTaskQuery().taskDefinitionKeyIn(PREPARATION, FOLLOW_UP);
    List<Task> open = (runId == null ? query : query.processInstanceId(runId)).list();
    for (Task task : open) {
      identity.setAuthentication(OPERATOR, List.of("operators"));
      try {
        tasks.complete(task.getId(), allTicked(of(task.getTaskDefinitionKey())));
      } finally {
        identity.clearAuthentication();
      }
    }
    return !open.isEmpty();
  }
}
