package org.switchman.process.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.bpmn.behavior.UserTaskActivityBehavior;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.incident.DefaultIncidentHandler;
import org.camunda.bpm.engine.impl.incident.IncidentContext;
import org.camunda.bpm.engine.impl.incident.IncidentHandler;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.engine.runtime.Incident;
import org.springframework.stereotype.Component;
import org.switchman.process.EngineHooks;
import org.switchman.process.RunVariableNames;
import org.switchman.process.opslog.IncidentAlarms;

/**
 * Prometheus metrics of every run, without anything in the diagrams:
 *
 * <ul>
 *   <li>{@code switchman_runs_started_total{runbook}} and {@code
 *       switchman_runs_ended_total{runbook,outcome}}: the run's business outcome when it recorded
 *       one ({@code switched-over}, {@code rolled-back}), else {@code completed}, or {@code
 *       cancelled};
 *   <li>{@code switchman_task_wait_seconds{runbook,task}}: how long each user task (approvals,
 *       operator decisions) waited from creation to completion;
 *   <li>{@code switchman_steps_failed_total{runbook,step,cause}}: see {@link StepFailures} (the
 *       incidents are counted here, the failed checks where the switchover steps raise them).
 * </ul>
 *
 * Elsewhere: {@code switchman_readonly_window_seconds{mode}} and {@code
 * switchman_readonly_budget_exceeded_total} (once per escalation of an overrun), by the
 * switchover's read-only steps, and {@code
 * switchman_decision_waiting_escalations_total{runbook,task}} ({@link DecisionEscalations}).
 * Counted once the engine transaction commits.
 */
@Component
public class RunMetricsPlugin extends AbstractProcessEnginePlugin {

  private final MeterRegistry registry;
  private final StepFailures failures;
  private final IncidentAlarms alarms;

  public RunMetricsPlugin(MeterRegistry registry, StepFailures failures, IncidentAlarms alarms) {
    this.registry = registry;
    this.failures = failures;
    this.alarms = alarms;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    List<IncidentHandler> handlers = new ArrayList<>();
    if (configuration.getCustomIncidentHandlers() != null) {
      handlers.addAll(configuration.getCustomIncidentHandlers());
    }
    handlers.add(new CountingIncidentHandler(Incident.FAILED_JOB_HANDLER_TYPE));
    handlers.add(new CountingIncidentHandler(Incident.EXTERNAL_TASK_HANDLER_TYPE));
    configuration.setCustomIncidentHandlers(handlers);
    EngineHooks.addPostParseListener(
        configuration,
        new AbstractBpmnParseListener() {
          @Override
          public void parseProcess(Element element, ProcessDefinitionEntity definition) {
            String runbook = definition.getKey();
            definition.addBuiltInListener(
                ExecutionListener.EVENTNAME_START,
                (ExecutionListener)
                    execution ->
                        EngineHooks.afterCommit(
                            () ->
                                Counter.builder("switchman.runs.started")
                                    .tag("runbook", runbook)
                                    .description("Runs started")
                                    .register(registry)
                                    .increment()));
            definition.addBuiltInListener(
                ExecutionListener.EVENTNAME_END,
                (ExecutionListener)
                    execution -> {
                      Object business = execution.getVariable(RunVariableNames.OUTCOME);
                      String outcome =
                          execution.isCanceled()
                              ? "cancelled"
                              : business != null ? business.toString() : "completed";
                      EngineHooks.afterCommit(
                          () ->
                              Counter.builder("switchman.runs.ended")
                                  .tag("runbook", runbook)
                                  .tag("outcome", outcome)
                                  .description("Runs ended")
                                  .register(registry)
                                  .increment());
                    });
          }

          @Override
          public void parseUserTask(Element element, ScopeImpl scope, ActivityImpl activity) {
            if (activity.getActivityBehavior() instanceof UserTaskActivityBehavior behavior) {
              String runbook = ((ProcessDefinitionEntity) activity.getProcessDefinition()).getKey();
              behavior
                  .getTaskDefinition()
                  .addBuiltInTaskListener(
                      TaskListener.EVENTNAME_COMPLETE,
                      task -> {
                        Duration waited =
                            Duration.ofMillis(
                                System.currentTimeMillis() - task.getCreateTime().getTime());
                        EngineHooks.afterCommit(
                            () ->
                                Timer.builder("switchman.task.wait")
                                    .tag("runbook", runbook)
                                    .tag("task", task.getTaskDefinitionKey())
                                    .description("Time a user task waited for a person")
                                    .register(registry)
                                    .record(waited));
                      });
            }
          }
        });
  }

  /**
   * The engine's own incident handling, plus, once the incident commits, a count of the failed step
   * and the {@link IncidentAlarms alarm} that names the run and the state of its site.
   */
  private final class CountingIncidentHandler extends DefaultIncidentHandler {

    CountingIncidentHandler(String type) {
      super(type);
    }

    @Override
    public Incident handleIncident(IncidentContext context, String message) {
      Incident incident = super.handleIncident(context, message);
      String runbook = StepFailures.runbookOf(context.getProcessDefinitionId());
      String step = context.getActivityId();
      ExecutionEntity execution =
          context.getExecutionId() == null
              ? null
              : Context.getCommandContext()
                  .getExecutionManager()
                  .findExecutionById(context.getExecutionId());
      String runId =
          execution == null
              ? incident.getProcessInstanceId()
              : execution.getRootProcessInstanceId() != null
                  ? execution.getRootProcessInstanceId()
                  : execution.getProcessInstanceId();
      EngineHooks.afterCommit(
          () -> {
            failures.failed(runbook, step, StepFailures.INCIDENT);
            alarms.raise(runbook, runId, step, message);
          });
      return incident;
    }
  }
}
