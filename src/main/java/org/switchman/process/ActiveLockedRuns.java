package org.switchman.process;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.audit.report.LockedRuns;
import org.switchman.runbook.port.RunParameters;

/**
 * The active runs of the runbooks that take locks ({@link RunbookStartRule#locks}), read from the
 * engine: every root process instance of such a runbook that has not ended, once per lock it holds.
 * A process called by a run is not a run of its own; it uses its root run's lock. Usable inside an
 * engine command (a start listener, where the engine's authorization checks of the person starting
 * are set aside: every run counts, whoever may read it) and outside one (the lock keeper).
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
    Map<String, RunbookStartRule> locks = rulesByKey();
    if (locks.isEmpty()) {
      return List.of();
    }
    List<LockedRun> active = new ArrayList<>();
    for (ProcessInstance instance :
        EngineHooks.withoutAuthorization(
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
      RunbookStartRule rule = locks.get(key);
      if (rule == null) {
        continue;
      }
      Map<String, String> frozen = parameters.all(instance.getId());
      for (RunbookStartRule.LockTarget lock : rule.locks(frozen)) {
        active.add(
            new LockedRun(
                instance.getId(),
                key,
                lock.runbook(),
                lock.target(),
                frozen.getOrDefault(RunVariableNames.STARTER, "system"),
                frozen.get(RunVariableNames.MODE)));
      }
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
    return EngineHooks.withoutAuthorization(
            () -> runtime.getObject().createProcessInstanceQuery().processInstanceId(runId).count())
        > 0;
  }

  /**
   * Every lock an active run holds, or should, and every lock a runbook takes whatever its request
   * (such as the switchover's {@code mediawiki}).
   */
  public Set<RunbookStartRule.LockTarget> targets() {
    return targets(active());
  }

  /** {@link #targets()} with the active runs already read ({@link #active()}). */
  public Set<RunbookStartRule.LockTarget> targets(List<LockedRun> active) {
    Set<RunbookStartRule.LockTarget> targets = new LinkedHashSet<>();
    rules.orderedStream().forEach(rule -> targets.addAll(rule.locks(Map.of())));
    active.forEach(
        run -> targets.add(new RunbookStartRule.LockTarget(run.runbook(), run.target())));
    return targets;
  }

  private String processKey(ProcessInstance instance) {
    String key = instance.getProcessDefinitionKey();
    if (key == null) {
      key =
          EngineHooks.withoutAuthorization(
              () ->
                  repository
                      .getObject()
                      .getProcessDefinition(instance.getProcessDefinitionId())
                      .getKey());
    }
    return key;
  }

  private Map<String, RunbookStartRule> rulesByKey() {
    Map<String, RunbookStartRule> byKey = new LinkedHashMap<>();
    rules.orderedStream().forEach(rule -> rule.processKeys().forEach(key -> byKey.put(key, rule)));
    return byKey;
  }
}
