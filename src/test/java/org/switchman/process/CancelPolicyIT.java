package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLogReader;
import org.switchman.infra.Mutations;
import org.switchman.support.AppTestSupport;
import org.switchman.support.FakeSite;
import org.switchman.support.JobDriver;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;
import org.switchman.support.WebappSession;

/**
 * Cancelling and suspending live runs of the runbooks that change the site, over REST and the
 * webapps' API, on the real engine with the sites in memory ({@link FakeSite}) and the job executor
 * off (the test moves runs with {@link JobDriver}).
 *
 * <p>rita belongs to a group an administrator granted every permission on runs, definitions and
 * batches: the engine itself would let her cancel anything, so each refusal here is the rule's.
 */
@ActiveProfiles("lab")
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"camunda.bpm.job-execution.enabled=false"})
class CancelPolicyIT {

  @TestConfiguration
  static class Site {
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

  private static final String GO = Rest.go("ok");

  @LocalServerPort int port;
  @Autowired RuntimeService runtime;
  @Autowired ManagementService management;
  @Autowired FakeSite site;
  @Autowired Journal journal;
  @Autowired OpsLogReader opsLog;

  private JobDriver driver;

  @BeforeEach
  void setUp() {
    driver =
        new JobDriver(
            management,
            java.util.Set.of(
                "Timer_WaitOldTtl", "Timer_InFlightGrace", "Timer_MasterChangeSettles"));
    runtime
        .createProcessInstanceQuery()
        .rootProcessInstances()
        .list()
        .forEach(pi -> runtime.deleteProcessInstance(pi.getId(), "test cleanup", true, true));
    management.createBatchQuery().list().forEach(b -> management.deleteBatch(b.getId(), true));
    site.reset();
    runManager("rita");
  }

  @Test
  void nobodyButAnAdministratorCancelsOrSuspendsALiveSwitchoverByAnyRoute() {
    // the grant is real: rita cancels a run of a runbook that changes nothing
    String harmless =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/four-eyes-check/start",
                "{\"variables\":{\"reason\":{\"value\":\"x\"},\"ticket\":{\"value\":\"T1\"}}}")
            .json()
            .get("id")
            .asText();
    assertThat(rita().delete("/engine-rest/process-instance/" + harmless).status()).isEqualTo(204);

    String run = startSwitchover();
    driver.drive();
    String gate = openTask(run, "UserTask_GoNoGo");
    String definition =
        admin().get("/engine-rest/process-instance/" + run).json().get("definitionId").asText();
    Rest rita = rita();
    Map<String, Rest.Reply> attempts = new java.util.LinkedHashMap<>();
    attempts.put("delete", rita.delete("/engine-rest/process-instance/" + run));
    attempts.put(
        "delete without listeners",
        rita.delete(
            "/engine-rest/process-instance/"
                + run
                + "?skipCustomListeners=true&skipIoMappings=true"));
    attempts.put(
        "async delete by id",
        rita.post(
            "/engine-rest/process-instance/delete",
            "{\"processInstanceIds\":[\"" + run + "\"],\"deleteReason\":\"stop\"}"));
    attempts.put(
        "async delete by query",
        rita.post(
            "/engine-rest/process-instance/delete",
            "{\"processInstanceQuery\":{\"processDefinitionKey\":\"dc-switchover\"},\"deleteReason\":\"stop\"}"));
    attempts.put(
        "delete by historic query",
        rita.post(
            "/engine-rest/process-instance/delete-historic-query-based",
            "{\"historicProcessInstanceQuery\":{\"processDefinitionKey\":\"dc-switchover\",\"unfinished\":true},"
                + "\"deleteReason\":\"stop\"}"));
    attempts.put(
        "suspend",
        rita.put("/engine-rest/process-instance/" + run + "/suspended", "{\"suspended\":true}"));
    attempts.put(
        "suspend by key",
        rita.put(
            "/engine-rest/process-instance/suspended",
            "{\"processDefinitionKey\":\"dc-switchover\",\"suspended\":true}"));
    attempts.put(
        "suspend by ids",
        rita.put(
            "/engine-rest/process-instance/suspended",
            "{\"processInstanceIds\":[\"" + run + "\"],\"suspended\":true}"));
    attempts.put(
        "suspend async",
        rita.post(
            "/engine-rest/process-instance/suspended-async",
            "{\"processInstanceIds\":[\"" + run + "\"],\"suspended\":true}"));
    attempts.put(
        "suspend the definition with its runs",
        rita.put(
            "/engine-rest/process-definition/" + definition + "/suspended",
            "{\"suspended\":true,\"includeProcessInstances\":true}"));
    attempts.put(
        "suspend the jobs",
        rita.put(
            "/engine-rest/job/suspended",
            "{\"processInstanceId\":\"" + run + "\",\"suspended\":true}"));
    attempts.put(
        "suspend the job definitions with their jobs",
        rita.put(
            "/engine-rest/job-definition/suspended",
            "{\"processDefinitionKey\":\"dc-switchover\",\"suspended\":true,\"includeJobs\":true}"));
    attempts.put(
        "delete the definition with its runs",
        rita.delete("/engine-rest/process-definition/" + definition + "?cascade=true"));
    WebappSession cockpit = WebappSession.login(port, "rita", "demo");
    attempts.put("webapp delete", cockpit.delete("/process-instance/" + run));
    attempts.put(
        "webapp suspend",
        cockpit.put("/process-instance/" + run + "/suspended", "{\"suspended\":true}"));
    attempts.put(
        "operator delete",
        Rest.as(port, "alice", "demo").delete("/engine-rest/process-instance/" + run));
    attempts.forEach(
        (route, reply) -> {
          assertThat(reply.status()).as(route + ": " + reply.body()).isEqualTo(403);
          assertThat(reply.json().path("message").asText())
              .as(route)
              .contains("Only camunda-admin may")
              .doesNotContain("CSRF");
        });
    assertThat(attempts.get("delete").json().get("message").asText())
        .contains(
            "cancel a live run of a runbook that changes the site (run "
                + run
                + " of dc-switchover)")
        .contains("refused for rita");
    assertThat(attempts.get("suspend").json().get("message").asText())
        .contains("suspend a live run");

    JsonNode instance = admin().get("/engine-rest/process-instance/" + run).json();
    assertThat(instance.get("suspended").asBoolean()).isFalse();
    assertThat(admin().get("/engine-rest/job?processInstanceId=" + run + "&suspended=true").json())
        .isEmpty();
    assertThat(admin().get("/engine-rest/batch").json()).isEmpty();
    assertThat(openTask(run, "UserTask_GoNoGo")).isEqualTo(gate);
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .singleElement()
        .satisfies(holder -> assertThat(holder.runId()).isEqualTo(run));
    assertThat(journal.entriesOfRun(run)).noneMatch(e -> e.kind().equals("ADMIN"));
  }

  @Test
  void
      anAdministratorsCancelInsideTheReadOnlyWindowIsJournaledWithWhatItLeavesAndReleasesTheLock() {
    String run = startSwitchover();
    driver.drive();
    assertThat(
            bob()
                .post("/engine-rest/task/" + openTask(run, "UserTask_GoNoGo") + "/complete", GO)
                .status())
        .isEqualTo(204);
    driver.drive();
    assertThat(new org.switchman.support.SwitchoverRuns(port).tickChecklists())
        .as("the preparation checklist")
        .isTrue();
    driver.drive();
    site.lagging.add("s2");
    assertThat(
            dave()
                .post(
                    "/engine-rest/task/" + openTask(run, "UserTask_FinalGoNoGo") + "/complete", GO)
                .status())
        .isEqualTo(204);
    driver.drive();
    // s2 has not caught up: the run waits inside the read-only window, MediaWiki read-only
    assertThat(
            runtime
                .createProcessInstanceQuery()
                .processDefinitionKey("db-masters-read-only")
                .count())
        .isOne();
    assertThat(site.readOnly.get("eqiad")).isPresent();
    assertThat(site.holders("dc-switchover", "mediawiki")).isNotEmpty();

    // even an operator decision task's own people cannot cancel it: rita is refused
    assertThat(rita().delete("/engine-rest/process-instance/" + run).status()).isEqualTo(403);
    // without the listeners the administrator would expect a lock left behind: it is released
    // anyway
    Rest.Reply cancelled =
        admin().delete("/engine-rest/process-instance/" + run + "?skipCustomListeners=true");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(204);

    assertThat(runtime.createProcessInstanceQuery().count()).isZero();
    assertThat(
            admin()
                .get("/engine-rest/history/process-instance/" + run)
                .json()
                .get("state")
                .asText())
        .isEqualTo("EXTERNALLY_TERMINATED");
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
    // the cancel rolled nothing back: the site is as the run left it
    assertThat(site.readOnly.get("eqiad")).isPresent();

    List<JournalEntry> entries = journal.entriesOfRun(run);
    assertThat(entries)
        .filteredOn(e -> e.kind().equals("ADMIN"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo("admin");
              assertThat(e.outcome()).isEqualTo("PERFORMED");
              assertThat(e.action())
                  .startsWith(
                      "DeleteProcessInstance by camunda-admin admin: cancelled run "
                          + run
                          + " of dc-switchover with skipCustomListeners");
              assertThat(e.output())
                  .contains("inside the read-only window since 20")
                  .contains("MediaWiki ReadOnly may still be on (set at 20")
                  .contains("the DB masters of eqiad may be read-only")
                  .contains("nothing was rolled back")
                  .contains("scap's lock on the deployment server may still hold every deployment");
            });
    assertThat(entries).anyMatch(e -> e.kind().equals("LOCK") && e.outcome().equals("RELEASED"));
    assertThat(journal.verifyRun(run).intact()).isTrue();
    List<OpsEvent> alarms = awaitOpsLog(run, "ALARM");
    assertThat(alarms)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.kind()).isEqualTo(OpsEvent.Kind.ESCALATION);
              assertThat(line.user()).isEqualTo("admin");
              assertThat(line.line())
                  .contains("ALARM: camunda-admin admin cancelled run " + run)
                  .contains("inside the read-only window since");
            });
  }

  @Test
  void anAdministratorsBatchCancelOfALockdownWaitingForGoSaysNothingChanged() {
    Rest.Reply started =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/db-masters-read-only/start",
                "{\"variables\":{\"dcFrom\":{\"value\":\"eqiad\"},\"dcTo\":{\"value\":\"codfw\"},\"mode\":{\"value\":\"live\"},"
                    + "\"reason\":{\"value\":\"lock the masters\"},\"ticket\":{\"value\":\"T7\"}}}");
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String run = started.json().get("id").asText();
    assertThat(openTask(run, "UserTask_GoNoGo")).isNotNull();
    assertThat(
            rita()
                .post(
                    "/engine-rest/process-instance/delete-historic-query-based",
                    "{\"historicProcessInstanceQuery\":{\"processInstanceIds\":[\"" + run + "\"]}}")
                .status())
        .isEqualTo(403);

    Rest.Reply batch =
        admin()
            .post(
                "/engine-rest/process-instance/delete",
                "{\"processInstanceIds\":[\""
                    + run
                    + "\"],\"deleteReason\":\"wrong ticket\",\"skipCustomListeners\":true}");
    assertThat(batch.status()).as(batch.body()).isEqualTo(200);
    assertThat(site.holders("dc-switchover", "mediawiki")).isNotEmpty();
    driver.drive(); // the batch's jobs, which run without any user
    assertThat(runtime.createProcessInstanceQuery().processInstanceId(run).count()).isZero();
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
    assertThat(journal.entriesOfRun(run))
        .filteredOn(e -> e.kind().equals("ADMIN"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo("REQUESTED");
              assertThat(e.action())
                  .contains("cancelled run " + run + " of db-masters-read-only")
                  .contains("as a batch");
              assertThat(e.output())
                  .contains("UserTask_GoNoGo")
                  .contains("still waiting for GO/NOGO, nothing was changed");
            });
    assertThat(awaitOpsLog(run, "ALARM")).hasSize(1);
  }

  @Test
  void anAdministratorsSuspensionOfALockdownPastGoIsJournaled() {
    Rest.Reply started =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/db-masters-read-only/start",
                "{\"variables\":{\"dcFrom\":{\"value\":\"eqiad\"},\"dcTo\":{\"value\":\"codfw\"},\"mode\":{\"value\":\"live\"},"
                    + "\"reason\":{\"value\":\"lock the masters\"},\"ticket\":{\"value\":\"T8\"}}}");
    String run = started.json().get("id").asText();
    site.lagging.add("s3");
    assertThat(
            bob()
                .post("/engine-rest/task/" + openTask(run, "UserTask_GoNoGo") + "/complete", GO)
                .status())
        .isEqualTo(204);
    driver.drive();
    assertThat(openTask(run, "UserTask_DecideOnSectionFailure")).isNotNull();
    assertThat(
            rita()
                .put("/engine-rest/process-instance/" + run + "/suspended", "{\"suspended\":true}")
                .status())
        .isEqualTo(403);
    assertThat(
            admin()
                .put("/engine-rest/process-instance/" + run + "/suspended", "{\"suspended\":true}")
                .status())
        .isEqualTo(204);
    assertThat(journal.entriesOfRun(run))
        .filteredOn(e -> e.kind().equals("ADMIN"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.output())
                    .contains("masters locked: the DB masters of eqiad may be read-only"));
    assertThat(
            admin()
                .put("/engine-rest/process-instance/" + run + "/suspended", "{\"suspended\":false}")
                .status())
        .isEqualTo(204);
  }

  // --- helpers

  private String startSwitchover() {
    Rest.Reply reply =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/dc-switchover/start",
                SwitchoverRuns.startBody("eqiad", "codfw", "live"));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("id").asText();
  }

  private List<OpsEvent> awaitOpsLog(String run, String text) {
    List<OpsEvent>[] found = new List[1];
    SwitchoverRuns.await(
        () -> {
          found[0] =
              opsLog.page(run, 0, 500).events().stream()
                  .filter(e -> e.line().contains(text))
                  .toList();
          return !found[0].isEmpty();
        },
        Duration.ofSeconds(10),
        () -> "ops log line '" + text + "' of " + run);
    return found[0];
  }

  private Rest admin() {
    return Rest.as(port, "admin", "demo");
  }

  private Rest rita() {
    return Rest.as(port, "rita", "demo");
  }

  private Rest bob() {
    return Rest.as(port, "bob", "demo");
  }

  private Rest dave() {
    return Rest.as(port, "dave", "demo");
  }

  private String openTask(String run, String key) {
    JsonNode tasks =
        admin()
            .get("/engine-rest/task?processInstanceId=" + run + "&taskDefinitionKey=" + key)
            .json();
    if (tasks.size() == 0) {
      // a task of a process the run called
      tasks = admin().get("/engine-rest/task?taskDefinitionKey=" + key).json();
    }
    assertThat(tasks.size()).as("open %s tasks of %s", key, run).isEqualTo(1);
    return tasks.get(0).get("id").asText();
  }

  /**
   * A user in a group granted everything on runs, definitions, jobs and batches, and the webapps.
   */
  private void runManager(String id) {
    Rest admin = admin();
    if (admin.get("/engine-rest/group/runmanagers").status() == 404) {
      assertThat(
              admin
                  .post(
                      "/engine-rest/group/create",
                      "{\"id\":\"runmanagers\",\"name\":\"Run managers\",\"type\":\"WORKFLOW\"}")
                  .status())
          .isEqualTo(204);
      // APPLICATION, PROCESS_DEFINITION, PROCESS_INSTANCE, DEPLOYMENT, BATCH,
      // HISTORIC_PROCESS_INSTANCE
      for (int resource : new int[] {0, 6, 8, 9, 13, 20}) {
        Rest.Reply granted =
            admin.post(
                "/engine-rest/authorization/create",
                "{\"type\":1,\"permissions\":[\"ALL\"],"
                    + "\"groupId\":\"runmanagers\",\"resourceType\":"
                    + resource
                    + ",\"resourceId\":\"*\"}");
        assertThat(granted.status()).as(granted.body()).isEqualTo(200);
      }
    }
    if (admin.get("/engine-rest/user/" + id + "/profile").status() == 404) {
      assertThat(
              admin
                  .post(
                      "/engine-rest/user/create",
                      "{\"profile\":{\"id\":\""
                          + id
                          + "\",\"firstName\":\""
                          + id
                          + "\",\"lastName\":\"Test\",\"email\":\""
                          + id
                          + "@switchman.invalid\"},"
                          + "\"credentials\":{\"password\":\"demo\"}}")
                  .status())
          .isEqualTo(204);
      assertThat(admin.put("/engine-rest/group/runmanagers/members/" + id).status()).isEqualTo(204);
    }
  }
}
