package org.switchman.process;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.audit.report.LockedRuns;
import org.switchman.runbook.port.RunParameters;

/**
 * The active runs of the runbooks that take a lock ({@link RunbookStartRule#lock}), read from the
 * engine: every root process instance of such a runbook that has not ended. A process called by a
 * run is not a run of its own; it uses its root run's lock. Usable inside an engine command (a
 * start listener, where the engine's authorization checks of the person starting are set aside:
 * every run counts, whoever may read it) and outside one (the lock keeper).
 */
@Component
public class ActiveLockedRuns implements LockedRuns {

  private final ObjectProvider<RuntimeService> runtime;
  private final ObjectProvider<RepositoryService> repository;
  private final ObjectProvider<RunbookStartRule> rules;
  private final RunParameters parameters;

  public ActiveLockedRuns(
      ObjectProvider<RuntimeService> runtime,
      ObjectProvider<RepositoryService> repository,
      ObjectProvider<RunbookStartRule> rules,
      RunParameters parameters) {
    this.runtime = runtime;
    this.repository = repository;
    this.rules = rules;
    this.parameters = parameters;
  }

  @Override
  public List<LockedRun> active() {
    Map<String, RunbookStartRule.LockTarget> locks = locksByKey();
    if (locks.isEmpty()) {
      return List.of();
    }
    List<LockedRun> active = new ArrayList<>();
    for (ProcessInstance instance :
        unchecked(
            () ->
                runtime
                    .getObject()
                    .createProcessInstanceQuery()
                    .rootProcessInstances()
                    .processDefinitionKeyIn(locks.keySet().toArray(String[]::new))
                    .orderByProcessInstanceId()
                    .asc()
                    .list())) {
      String key = processKey(instance);
      RunbookStartRule.LockTarget lock = locks.get(key);
      if (lock == null) {
        continue;
      }
      Map<String, String> frozen = parameters.all(instance.getId());
      active.add(
          new LockedRun(
              instance.getId(),
              key,
              lock.runbook(),
              lock.target(),
              frozen.getOrDefault(RunVariableNames.STARTER, "system"),
              frozen.get(RunVariableNames.MODE)));
    }
    return active;
  }

  /** The active runs that should hold this lock. */
  public List<LockedRun> active(String runbook, String target) {
    return active().stream()
        .filter(run -> run.runbook().equals(runbook) && run.target().equals(target))
        .toList();
  }

  /** Whether the run has not ended. */
  public boolean isActive(String runId) {
    return unchecked(
            () -> runtime.getObject().createProcessInstanceQuery().processInstanceId(runId).count())
        > 0;
  }

  /** Every lock some runbook takes. */
  public Set<RunbookStartRule.LockTarget> targets() {
    return new LinkedHashSet<>(locksByKey().values());
  }

  private String processKey(ProcessInstance instance) {
    String key = instance.getProcessDefinitionKey();
    if (key == null) {
      key =
          unchecked(
              () ->
                  repository
                      .getObject()
                      .getProcessDefinition(instance.getProcessDefinitionId())
                      .getKey());
    }
    return key;
  }

  /** Inside an engine command, runs the query without the current user's authorization checks. */
  private static <T> T unchecked(Supplier<T> query) {
    CommandContext command = Context.getCommandContext();
    if (command == null) {
      return query.get();
    }
    try {
      return command.runWithoutAuthorization(query::get);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, RunbookStartRule.LockTarget> locksByKey() {
    Map<String, RunbookStartRule.LockTarget> byKey = new LinkedHashMap<>();
    rules
        .orderedStream()
        .forEach(rule -> rule.processKeys().forEach(key -> byKey.put(key, rule.lock())));
    return byKey;
  }
}
