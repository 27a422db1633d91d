package org.switchman.process;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.process.gates.RefusedInputException;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.port.RunbookLock;

/**
 * Attaches the start and end of every run to the engine itself, so no diagram can forget them and
 * no start path skips them (built-in process listeners run even with {@code skipCustomListeners}):
 *
 * <ul>
 *   <li>at the start of a run started by a person, the authenticated user is frozen as the run's
 *       starter ({@link RunContexts#STARTER}): the journal and the lock name this user, never a
 *       variable;
 *   <li>the runbook's {@link RunbookStartRule} checks and freezes the request (bad input fails the
 *       start with 400 and leaves no run), then the run takes its locks (one held by another run
 *       refuses the start with {@link RunbookLockedException}, 409, and the locks taken before it
 *       are given back as the start rolls back);
 *   <li>when the run ends, however it ends, it releases them.
 * </ul>
 */
@Component
public class RunbookStarts extends AbstractProcessEnginePlugin {

  private final ObjectProvider<RunbookStartRule> rules;
  private final ObjectProvider<RunContexts> runs;
  private final ObjectProvider<RunbookLocks> locks;
  private final Map<String, RunbookStartRule> byKey = new ConcurrentHashMap<>();

  public RunbookStarts(
      ObjectProvider<RunbookStartRule> rules,
      ObjectProvider<RunContexts> runs,
      ObjectProvider<RunbookLocks> locks) {
    this.rules = rules;
    this.runs = runs;
    this.locks = locks;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    ExecutionListener started = this::started;
    ExecutionListener ended = this::ended;
    EngineHooks.addPreParseListener(
        configuration,
        new AbstractBpmnParseListener() {
          @Override
          public void parseProcess(Element element, ProcessDefinitionEntity definition) {
            definition.addBuiltInListener(ExecutionListener.EVENTNAME_START, started);
            definition.addBuiltInListener(ExecutionListener.EVENTNAME_END, ended);
          }
        });
  }

  private void started(DelegateExecution execution) {
    if (RunContexts.isRoot(execution)) {
      String user = Context.getCommandContext().getAuthenticatedUserId();
      runs.getObject().freeze(execution, RunVariableNames.STARTER, user == null ? "system" : user);
    }
    RunbookStartRule rule = ruleFor(execution);
    if (rule == null) {
      return;
    }
    try {
      rule.validate(execution);
    } catch (InvalidRequestException invalid) {
      throw new RefusedInputException(invalid.getMessage(), invalid);
    }
    try {
      locks.getObject().acquireAll(execution, rule.locks(runs.getObject().frozen(execution)));
    } catch (RunbookLock.LockHeldException held) {
      throw new RunbookLockedException(held);
    }
  }

  private void ended(DelegateExecution execution) {
    RunbookStartRule rule = ruleFor(execution);
    if (rule != null) {
      locks.getObject().releaseAll(execution, rule.locks(runs.getObject().frozen(execution)));
    }
  }

  private RunbookStartRule ruleFor(DelegateExecution execution) {
    String key = ((ExecutionEntity) execution).getProcessDefinition().getKey();
    if (byKey.isEmpty()) {
      rules.orderedStream().forEach(rule -> rule.processKeys().forEach(k -> byKey.put(k, rule)));
    }
    return byKey.get(key);
  }
}
