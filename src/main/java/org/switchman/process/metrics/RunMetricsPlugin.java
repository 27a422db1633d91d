package org.switchman.process.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.bpmn.behavior.UserTaskActivityBehavior;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.stereotype.Component;
import org.switchman.process.EngineHooks;

/**
 * Prometheus metrics of every run, without anything in the diagrams:
 * <ul>
 *   <li>{@code switchman_runs_started_total{runbook}} and {@code
 *       switchman_runs_ended_total{runbook,outcome}} ({@code completed} or {@code cancelled});
 *   <li>{@code switchman_task_wait_seconds{runbook,task}}: how long each user task (approvals,
 *       operator decisions) waited from creation to completion.
 * </ul>
 * Counted once the engine transaction commits.
 */
@Component
public class RunMetricsPlugin extends AbstractProcessEnginePlugin {

  private final MeterRegistry registry;

  public RunMetricsPlugin(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    EngineHooks.addPostParseListener(configuration, new AbstractBpmnParseListener() {
      @Override
      public void parseProcess(Element element, ProcessDefinitionEntity definition) {
        String runbook = definition.getKey();
        definition.addBuiltInListener(ExecutionListener.EVENTNAME_START,
            (ExecutionListener) execution -> EngineHooks.afterCommit(() ->
                Counter.builder("switchman.runs.started").tag("runbook", runbook)
                    .description("Runs started").register(registry).increment()));
        definition.addBuiltInListener(ExecutionListener.EVENTNAME_END,
            (ExecutionListener) execution -> {
              String outcome = execution.isCanceled() ? "cancelled" : "completed";
              EngineHooks.afterCommit(() -> Counter.builder("switchman.runs.ended").tag("runbook", runbook)
                  .tag("outcome", outcome).description("Runs ended").register(registry).increment());
            });
      }

      @Override
      public void parseUserTask(Element element, ScopeImpl scope, ActivityImpl activity) {
        if (activity.getActivityBehavior() instanceof UserTaskActivityBehavior behavior) {
          String runbook = ((ProcessDefinitionEntity) activity.getProcessDefinition()).getKey();
          behavior.getTaskDefinition().addBuiltInTaskListener(TaskListener.EVENTNAME_COMPLETE,
              task -> {
                Duration waited = Duration.ofMillis(
                    System.currentTimeMillis() - task.getCreateTime().getTime());
                EngineHooks.afterCommit(() -> Timer.builder("switchman.task.wait")
                    .tag("runbook", runbook).tag("task", task.getTaskDefinitionKey())
                    .description("Time a user task waited for a person").register(registry)
                    .record(waited));
              });
        }
      }
    });
  }
}
