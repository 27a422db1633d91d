package org.switchman.support;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.infra.Mutations;

/**
 * The setting of the process tests: the real engine, diagrams and delegates, the sites in memory
 * ({@link FakeSite}) and the job executor off, so a test runs each job itself ({@link JobDriver}).
 * Every process test extends it, so they share one application context (Spring caches it by this
 * configuration) instead of starting one each; each test removes the runs it finds and resets the
 * site before it starts.
 */
@ActiveProfiles("lab")
@SpringBootTest(properties = {"camunda.bpm.job-execution.enabled=false"})
@Import(FakeSiteProcessTest.Site.class)
public abstract class FakeSiteProcessTest {

  @org.springframework.beans.factory.annotation.Autowired
  private org.camunda.bpm.engine.HistoryService history;

  @org.springframework.beans.factory.annotation.Autowired
  private org.camunda.bpm.engine.RuntimeService runtimeService;

  @org.springframework.beans.factory.annotation.Autowired
  private org.camunda.bpm.engine.TaskService taskService;

  @org.springframework.beans.factory.annotation.Autowired
  private org.camunda.bpm.engine.IdentityService identityService;

  /** Starts a run of the runbook as {@code alice} of {@code operators}, as Tasklist would. */
  protected org.camunda.bpm.engine.runtime.ProcessInstance startAsAlice(
      String runbook, java.util.Map<String, Object> variables) {
    identityService.setAuthentication("alice", java.util.List.of("operators"));
    try {
      return runtimeService.startProcessInstanceByKey(runbook, variables);
    } finally {
      identityService.clearAuthentication();
    }
  }

  /** Completes a task as a member of the groups, as Tasklist would. */
  protected void completeAs(
      String user,
      String group,
      org.camunda.bpm.engine.task.Task task,
      java.util.Map<String, Object> variables) {
    identityService.setAuthentication(user, java.util.List.of(group));
    try {
      taskService.complete(task.getId(), variables);
    } finally {
      identityService.clearAuthentication();
    }
  }

  /** Decides the run's one open {@code UserTask_GoNoGo} as an approver, with a comment. */
  protected void approve(String user, String decision) {
    org.camunda.bpm.engine.task.Task task =
        taskService.createTaskQuery().taskDefinitionKey("UserTask_GoNoGo").singleResult();
    completeAs(
        user,
        "approvers",
        task,
        java.util.Map.of("decision", decision, "comment", decision + " by " + user));
  }

  /** A variable of a run as the engine's history last saw it, as text; null when it is null. */
  protected String historicVariable(String runId, String name) {
    Object value =
        history
            .createHistoricVariableInstanceQuery()
            .processInstanceId(runId)
            .variableName(name)
            .singleResult()
            .getValue();
    return value == null ? null : value.toString();
  }

  /** The site in memory, as the adapters' beans. */
  @TestConfiguration
  public static class Site {
    @Bean
    FakeSite fakeSite(Mutations mutations) {
      return new FakeSite(mutations);
    }
  }

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    AppTestSupport.demoUsers(registry);
    FakeSite.settings().forEach((k, v) -> registry.add(k, () -> v));
  }
}
