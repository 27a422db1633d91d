package org.switchman.process.opslog;

import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.stereotype.Component;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.EngineHooks;
import org.switchman.process.RunVariableNames;

/**
 * Writes the ops log for every run of every deployed process, without anything in the diagrams: a
 * line when a run starts and ends, and when a phase starts and ends. A phase is an embedded
 * subprocess whose id starts with {@value #PHASE_PREFIX}. Lines are recorded in the engine
 * transaction (see {@link OpsLog}), so the log never reports what was rolled back and loses nothing
 * that committed. After a run's end (the root process, not the processes it calls) the journal's
 * head follows in a line of its own ({@code journal head: seq=… hash=…}, filled in when the line is
 * written, after the run's last entries are chained), so that the ops log and its webhook keep a
 * copy of the chain's state outside the database.
 */
@Component
public class OpsLogPlugin extends AbstractProcessEnginePlugin {

  public static final String PHASE_PREFIX = "Phase_";

  private final OpsLog opsLog;

  public OpsLogPlugin(OpsLog opsLog) {
    this.opsLog = opsLog;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    EngineHooks.addPostParseListener(
        configuration,
        new AbstractBpmnParseListener() {
          @Override
          public void parseProcess(Element element, ProcessDefinitionEntity definition) {
            definition.addBuiltInListener(
                ExecutionListener.EVENTNAME_START,
                (ExecutionListener)
                    execution -> emit(execution, OpsEvent.Kind.RUN_STARTED, definition.getName()));
            definition.addBuiltInListener(
                ExecutionListener.EVENTNAME_END,
                (ExecutionListener)
                    execution -> emit(execution, OpsEvent.Kind.RUN_ENDED, outcome(execution)));
          }

          @Override
          public void parseSubProcess(Element element, ScopeImpl scope, ActivityImpl activity) {
            if (activity.getId().startsWith(PHASE_PREFIX)) {
              String name = activity.getName() != null ? activity.getName() : activity.getId();
              activity.addBuiltInListener(
                  ExecutionListener.EVENTNAME_START,
                  (ExecutionListener)
                      execution -> emit(execution, OpsEvent.Kind.PHASE_STARTED, name));
              activity.addBuiltInListener(
                  ExecutionListener.EVENTNAME_END,
                  (ExecutionListener)
                      execution ->
                          emit(
                              execution,
                              OpsEvent.Kind.PHASE_ENDED,
                              execution.isCanceled() ? name + " (cancelled)" : name));
            }
          }
        });
  }

  private static String outcome(DelegateExecution execution) {
    if (execution.isCanceled()) {
      return "cancelled";
    }
    String end =
        execution.getCurrentActivityName() != null
            ? execution.getCurrentActivityName()
            : execution.getCurrentActivityId();
    return end == null ? "ended" : "ended at " + end;
  }

  private void emit(DelegateExecution execution, OpsEvent.Kind kind, String detail) {
    ExecutionEntity entity = (ExecutionEntity) execution;
    String runId =
        entity.getRootProcessInstanceId() != null
            ? entity.getRootProcessInstanceId()
            : execution.getProcessInstanceId();
    String user = Context.getCommandContext().getAuthenticatedUserId();
    OpsEvent event =
        new OpsEvent(
            Instant.now(),
            kind,
            runbookOf(entity),
            runId,
            user,
            text(execution.getVariable(RunVariableNames.REASON)),
            text(execution.getVariable(RunVariableNames.TICKET)),
            detail);
    opsLog.record(event);
    if (kind == OpsEvent.Kind.RUN_ENDED && runId.equals(execution.getProcessInstanceId())) {
      opsLog.record(OpsEvent.journalHeadToCome(Instant.now(), event.runbook(), runId));
    }
  }

  private static String runbookOf(ExecutionEntity execution) {
    return execution.getProcessDefinition() != null
        ? execution.getProcessDefinition().getKey()
        : execution.getProcessDefinitionId();
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
