package org.switchman.process.switchover;

import java.time.Duration;
import java.util.Comparator;
import java.util.Date;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;

/**
 * The open user task whose non-interrupting timer started the current path: the diagram says which
 * task the timer is attached to, and among its open instances the one in the same scope (one per
 * section in a multi-instance) is taken.
 *
 * @param key the task's id in the diagram
 * @param name the task's name
 * @param waited how long the task has been open, on the engine's clock
 */
record WaitingDecision(String key, String name, Duration waited) {

  /**
   * @throws IllegalStateException when the path does not start at a timer on a user task
   */
  static WaitingDecision of(DelegateExecution execution) {
    FlowNode step = (FlowNode) execution.getBpmnModelElementInstance();
    BoundaryEvent timer =
        step.getIncoming().stream()
            .map(SequenceFlow::getSource)
            .filter(BoundaryEvent.class::isInstance)
            .map(BoundaryEvent.class::cast)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        step.getId() + " must follow a timer attached to a decision task"));
    String key = timer.getAttachedTo().getId();
    String scope = ((ExecutionEntity) execution).getParentId();
    Date opened =
        execution
            .getProcessEngineServices()
            .getTaskService()
            .createTaskQuery()
            .processInstanceId(execution.getProcessInstanceId())
            .taskDefinitionKey(key)
            .list()
            .stream()
            .sorted(
                Comparator.comparing((Task task) -> !inScope(task, scope))
                    .thenComparing(Task::getCreateTime))
            .map(Task::getCreateTime)
            .findFirst()
            .orElse(ClockUtil.getCurrentTime());
    Duration waited =
        Duration.ofMillis(Math.max(0, ClockUtil.getCurrentTime().getTime() - opened.getTime()));
    return new WaitingDecision(key, timer.getAttachedTo().getName(), waited);
  }

  /** Whether the task runs below that execution, that is in the same scope as the timer's path. */
  private static boolean inScope(Task task, String scope) {
    for (ExecutionEntity at = ((TaskEntity) task).getExecution(); at != null; at = at.getParent()) {
      if (at.getId().equals(scope)) {
        return true;
      }
    }
    return false;
  }

  /** The wait in minutes and seconds, e.g. {@code 4 min 05 s}. */
  String waitedText() {
    long seconds = waited.toSeconds();
    return seconds < 60
        ? seconds + " s"
        : String.format("%d min %02d s", seconds / 60, seconds % 60);
  }
}
