package org.switchman.process.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.repository.Resource;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.switchman.SwitchmanApplication;
import org.switchman.config.JournalKey;
import org.switchman.infra.Mutations;
import org.switchman.support.FakeSite;
import org.switchman.support.JobDriver;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * A new version of one diagram keeps the others reachable: the application is started on the
 * runbooks and forms, stopped, started again after only {@code dc-switchover.bpmn} changed (its
 * documentation), and a dry-run then goes through both gates and both call activities. The called
 * processes and the forms are bound to the caller's deployment, so they must be deployed with it;
 * the diagrams and forms are read from a copy of {@code processes/} and {@code forms/} so that the
 * test can change one. The sites are in memory ({@link FakeSite}); the test runs the jobs itself.
 */
class ChangedDiagramRedeployIT {

  private static final Set<String> NORMAL_TIMERS =
      Set.of("Timer_WaitOldTtl", "Timer_InFlightGrace", "Timer_MasterChangeSettles");

  @Configuration(proxyBeanMethods = false)
  static class Site {
    @Bean
    FakeSite fakeSite(Mutations mutations) {
      return new FakeSite(mutations);
    }
  }

  @Test
  void aDryRunPassesBothGatesAndBothLockdownsAfterOnlyTheSwitchoverDiagramChanged()
      throws IOException {
    Path root = Path.of("target", "test-data", "redeploy-" + UUID.randomUUID()).toAbsolutePath();
    Path resources = root.resolve("resources");
    copy(Path.of("processes"), resources.resolve("processes"));
    copy(Path.of("forms"), resources.resolve("forms"));
    Path journalKey = root.resolve("journal.key");
    JournalKey.generate(journalKey);

    String firstDeployment;
    try (ConfigurableApplicationContext app = start(root, resources, journalKey)) {
      firstDeployment = definition(app, "dc-switchover").getDeploymentId();
      assertThat(resourceNames(app, firstDeployment)).hasSize(allResources(resources).size());
    }
    Path switchover = resources.resolve("processes/dc-switchover.bpmn");
    String diagram = Files.readString(switchover);
    String edited =
        diagram.replaceFirst(
            "phases 0-9 of the reference runbook", "phases 0 to 9 of the reference runbook");
    assertThat(edited).isNotEqualTo(diagram);
    Files.writeString(switchover, edited);

    try (ConfigurableApplicationContext app = start(root, resources, journalKey)) {
      ProcessDefinition changed = definition(app, "dc-switchover");
      assertThat(changed.getVersion()).isEqualTo(2);
      assertThat(changed.getDeploymentId()).isNotEqualTo(firstDeployment);
      // everything the switchover calls or shows, bound to its deployment, is deployed with it
      assertThat(resourceNames(app, changed.getDeploymentId()))
          .containsExactlyInAnyOrderElementsOf(allResources(resources));

      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
      SwitchoverRuns runs = new SwitchoverRuns(port);
      JobDriver driver = new JobDriver(app.getBean(ManagementService.class), NORMAL_TIMERS);
      TaskService tasks = app.getBean(TaskService.class);
      assertThat(
              Rest.as(port, "alice", "demo")
                  .get("/engine-rest/process-definition/key/dc-switchover/deployed-start-form")
                  .status())
          .isEqualTo(200);

      String run = runs.start("eqiad", "codfw", "dry-run");
      driver.drive();
      assertGateFormResolves(port, tasks, run, "UserTask_GoNoGo", "bob");
      runs.approve(run, "UserTask_GoNoGo", "bob");
      driver.drive();
      assertThat(runs.tickChecklists()).as("the preparation checklist").isTrue();
      driver.drive();
      assertGateFormResolves(port, tasks, run, "UserTask_FinalGoNoGo", "dave");
      runs.approve(run, "UserTask_FinalGoNoGo", "dave");
      driver.drive();
      assertThat(runs.tickChecklists()).as("the follow-up checklist").isTrue();

      HistoryService history = app.getBean(HistoryService.class);
      assertThat(app.getBean(ManagementService.class).createJobQuery().withException().count())
          .as("no failed job, no incident")
          .isZero();
      HistoricProcessInstance ended =
          history.createHistoricProcessInstanceQuery().processInstanceId(run).singleResult();
      assertThat(ended.getState()).isEqualTo("COMPLETED");
      assertThat(ended.getProcessDefinitionId()).isEqualTo(changed.getId());
      List<HistoricProcessInstance> called =
          history.createHistoricProcessInstanceQuery().superProcessInstanceId(run).list();
      assertThat(called)
          .extracting(HistoricProcessInstance::getProcessDefinitionKey)
          .containsExactlyInAnyOrder("db-masters-read-only", "db-masters-read-write");
      for (HistoricProcessInstance lockdown : called) {
        assertThat(lockdown.getState()).isEqualTo("COMPLETED");
        assertThat(
                app.getBean(RepositoryService.class)
                    .getProcessDefinition(lockdown.getProcessDefinitionId())
                    .getDeploymentId())
            .isEqualTo(changed.getDeploymentId());
      }
    }
  }

  private static void assertGateFormResolves(
      int port, TaskService tasks, String run, String gate, String approver) {
    Task task =
        tasks.createTaskQuery().processInstanceId(run).taskDefinitionKey(gate).singleResult();
    assertThat(task).as(gate).isNotNull();
    Rest.Reply form =
        Rest.as(port, approver, "demo").get("/engine-rest/task/" + task.getId() + "/deployed-form");
    assertThat(form.status()).as(gate + ": " + form.body()).isEqualTo(200);
    assertThat(form.body()).contains("\"decision\"");
  }

  private static ConfigurableApplicationContext start(Path root, Path resources, Path journalKey) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--switchman.data-dir=" + root.resolve("data"),
                "--switchman.lab.servers=false",
                "--switchman.journal.key-file=" + journalKey,
                "--switchman.node-name=redeploy-" + UUID.randomUUID(),
                "--server.port=0",
                "--camunda.bpm.job-execution.enabled=false",
                "--camunda.bpm.deployment-resource-pattern[0]=file:"
                    + resources
                    + "/processes/*.bpmn",
                "--camunda.bpm.deployment-resource-pattern[1]=file:"
                    + resources
                    + "/forms/*.form"));
    FakeSite.settings().forEach((key, value) -> args.add("--" + key + "=" + value));
    return new SpringApplicationBuilder(SwitchmanApplication.class, Site.class)
        .profiles("lab")
        .run(args.toArray(String[]::new));
  }

  private static ProcessDefinition definition(ConfigurableApplicationContext app, String key) {
    return app.getBean(RepositoryService.class)
        .createProcessDefinitionQuery()
        .processDefinitionKey(key)
        .latestVersion()
        .singleResult();
  }

  private static List<String> resourceNames(ConfigurableApplicationContext app, String deployment) {
    RepositoryService repository = app.getBean(RepositoryService.class);
    Deployment found = repository.createDeploymentQuery().deploymentId(deployment).singleResult();
    assertThat(found).isNotNull();
    return repository.getDeploymentResources(deployment).stream()
        .map(Resource::getName)
        .map(name -> Path.of(name).getFileName().toString())
        .toList();
  }

  private static List<String> allResources(Path resources) throws IOException {
    List<String> names = new ArrayList<>();
    for (String dir : List.of("processes", "forms")) {
      try (Stream<Path> files = Files.list(resources.resolve(dir))) {
        // what the application deploys (camunda.bpm.deployment-resource-pattern): diagrams and
        // forms; the service catalogue (.dmn) is not deployed to the engine
        files
            .map(f -> f.getFileName().toString())
            .filter(name -> name.endsWith(".bpmn") || name.endsWith(".form"))
            .forEach(names::add);
      }
    }
    return names;
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }
}
