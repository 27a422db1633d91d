package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.lab.Lab;
import org.switchman.runbook.switchover.ManualStep;
import org.switchman.support.AppLabSlot;
import org.switchman.support.EngineOnPostgres;
import org.switchman.support.JournalAssertions;
import org.switchman.support.LabWorld;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * Switchovers end to end against the lab, driven only through the REST API as three people: alice
 * starts, bob gives the first GO, dave the final one. Afterwards every outcome is checked with the
 * real clients (etcdctl, dig, mysql), not through Switchman's own adapters. On H2, and on
 * PostgreSQL with {@code -Dswitchman.it.postgres=true} ({@link EngineOnPostgres}).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "switchman.lab.dir=target/switchover-it-lab",
      "switchman.switchover.catch-up-attempts=8",
      // the slow envoy restart of the last switchover succeeds; the longest step grows with the
      // command timeout, and the job lock time with it (the startup check refuses a shorter one)
      "switchman.switchover.command-timeout=100s",
      "camunda.bpm.job-execution.lock-time-in-millis=6600000"
    })
@ActiveProfiles("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverIT {

  private static final AppLabSlot SLOT = AppLabSlot.firstFree(51, 7200);

  /** The lab's slot; and the engine on PostgreSQL when the build asks for it. */
  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.register(registry, "switchover");
    EngineOnPostgres.registerIfAsked(registry);
  }

  /** How much the lab slows the envoy restart of one old jobrunner in the last switchover. */
  private static final int SLOWER_BY_SECONDS = 70;

  @LocalServerPort int port;

  @Autowired Lab lab;

  @Autowired org.camunda.bpm.engine.ProcessEngine engine;

  private SwitchoverRuns runs;
  private LabWorld world;

  @org.junit.jupiter.api.BeforeEach
  void driver() {
    runs = new SwitchoverRuns(port);
    world = new LabWorld(lab);
  }

  @Test
  @Order(0)
  void theEngineRunsOnTheDatabaseTheBuildAskedFor() {
    assertThat(
            ((org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl)
                    engine.getProcessEngineConfiguration())
                .getDatabaseType())
        .isEqualTo(EngineOnPostgres.asked() ? "postgres" : "h2");
  }

  @Test
  @Order(1)
  void badInputAndAHeldLockAreRefusedThroughRest() {
    Rest alice = Rest.as(port, "alice", "demo");
    Rest.Reply same =
        alice.post(
            "/engine-rest/process-definition/key/dc-switchover/start",
            SwitchoverRuns.startBody("eqiad", "eqiad", "live"));
    assertThat(same.status()).isEqualTo(400);
    assertThat(same.json().path("type").asText()).isEqualTo("InvalidRequest");
    assertThat(same.json().path("message").asText()).contains("dcFrom and dcTo are both 'eqiad'");
    // the check of a well-formed request reads etcd; a first read on a busy machine may be
    // answered 503 ("repeat it once the server answers"), which is repeated, as asked
    Rest.Reply passive = null;
    for (int attempt = 0; attempt < 3 && (passive == null || passive.status() == 503); attempt++) {
      passive =
          alice.post(
              "/engine-rest/process-definition/key/dc-switchover/start",
              SwitchoverRuns.startBody("codfw", "eqiad", "live"));
    }
    assertThat(passive.status()).as(passive.body()).isEqualTo(400);
    assertThat(passive.json().path("message").asText())
        .contains("dcFrom must be the active datacenter eqiad");
    assertThat(
            Rest.as(port, "carol", "demo")
                .post(
                    "/engine-rest/process-definition/key/dc-switchover/start",
                    SwitchoverRuns.startBody("eqiad", "codfw", "live"))
                .status())
        .isEqualTo(403);

    long runsBefore =
        Rest.as(port, "admin", "demo")
            .get("/engine-rest/history/process-instance/count?processDefinitionKey=dc-switchover")
            .json()
            .get("count")
            .asLong();
    String good = SwitchoverRuns.startBody("eqiad", "codfw", "dry-run");
    Map<String, String> badInput = new java.util.LinkedHashMap<>();
    badInput.put(
        good.replace("Datacenter switchover test", "x".repeat(201)),
        "reason is 201 characters long");
    badInput.put(
        good.replace("Datacenter switchover test", "planned\\n### Mode: dry-run"),
        "reason must be a single line");
    badInput.put(good.replace("T4242", "T42; rm -rf /"), "ticket must be T followed by digits");
    badInput.put(
        good.replace("\"PT3M\"", "\"P365D\""), "readOnlyBudget must be from PT30S to PT1H");
    badInput.put(
        good.replace("\"PT3M\"", "\"PT10S\""), "readOnlyBudget must be from PT30S to PT1H");
    badInput.put(good.replace("\"PT0S\"", "\"PT6M\""), "inFlightGrace must be from PT0S to PT5M");
    badInput.put(
        good.replace("\"PT3M\"", "\"PT1M\"").replace("\"PT0S\"", "\"PT2M\""),
        "must not be longer than readOnlyBudget");
    badInput.put(good.replace("\"PT3M\"", "\"PT9999999999999999H\""), "readOnlyBudget");
    badInput.put(
        good.replace("\"mode\":", "\"activeDatacenter\":{\"value\":\"codfw\"},\"mode\":"),
        "'activeDatacenter' is not a field");
    badInput.put(
        good.replace("Datacenter switchover test", "x".repeat(4001)),
        "'reason' is 4001 characters long; the engine keeps at most 4000");
    badInput.forEach(
        (body, problem) -> {
          Rest.Reply refused =
              alice.post("/engine-rest/process-definition/key/dc-switchover/start", body);
          assertThat(refused.status()).as(problem + ": " + refused.body()).isEqualTo(400);
          assertThat(refused.json().path("message").asText()).contains(problem);
        });
    assertThat(
            Rest.as(port, "admin", "demo")
                .get(
                    "/engine-rest/history/process-instance/count?processDefinitionKey=dc-switchover")
                .json()
                .get("count")
                .asLong())
        .isEqualTo(runsBefore);
  }

  @Test
  @Order(2)
  void aDryRunLeavesEverythingUnchanged() {
    Map<String, String> before = world.state();
    String run = start("eqiad", "codfw", "dry-run");
    assertThat(start("eqiad", "codfw", "dry-run", 409))
        .contains("locked by run " + run + " of alice");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    runs.awaitEnd(run);
    assertThat(world.state()).isEqualTo(before);
  }

  @Test
  @Order(3)
  void aLiveTestLeavesTheActiveDatacenterUnchanged() {
    Map<String, String> before = world.state();
    String run = start("codfw", "eqiad", "live-test");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    runs.awaitEnd(run);
    Map<String, String> after = world.state();
    before.forEach(
        (key, value) -> {
          if (key.contains("eqiad")
              || key.startsWith("WMFMasterDatacenter")
              || key.startsWith("dns ")) {
            assertThat(after.get(key)).as(key).isEqualTo(value);
          }
        });
    assertThat(runs.history(run).path("state").asText()).isEqualTo("COMPLETED");
  }

  @Test
  @Order(4)
  void switchesEqiadToCodfwThroughALagThatARetryResolves() {
    Rest admin = Rest.as(port, "admin", "demo");
    Map<String, String> before = world.state();
    // steps of phases 0 and 9 slowed by 3 s in the lab, so that steps run side by side must
    // overlap
    String maintenanceHost = lab.topology().firstHost("eqiad", "maintenance").fqdn();
    String master = lab.topology().dbMasterHost("s1", "eqiad").fqdn();
    String deploymentServer = lab.topology().deploymentServer("eqiad").fqdn();
    List<String> slow =
        List.of(
            slowCommand(deploymentServer, "scap lock"),
            slowCommand(maintenanceHost, "disable-puppet"),
            slowCommand(master, "downtime-service"),
            slowCommand(deploymentServer, "scap unlock"),
            slowCommand(master, "run-puppet-agent"));
    String run = start("eqiad", "codfw", "live");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    // at the final gate, after the pre-checks read again, which would refuse a lagging section:
    // the lag hits phase 3
    runs.awaitTask("UserTask_FinalGoNoGo");
    assertThat(world.scapLock())
        .isEqualTo("Datacenter switchover eqiad to codfw - T4242 (run " + run + ")");
    assertThat(world.deploy().err()).contains("owner is \"Datacenter switchover eqiad to codfw");
    String fault =
        admin
            .post(
                "/lab/api/faults",
                "{\"kind\":\"REPLICATION_DELAY\",\"section\":\"s3\","
                    + "\"dc\":\"codfw\",\"seconds\":120}")
            .json()
            .path("id")
            .asText();
    assertThat(fault).isNotBlank();
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSectionFailure");
    assertThat(runs.variable(decision, "failureMessage"))
        .contains("s3")
        .contains("has not caught up");
    assertThat(admin.delete("/lab/api/faults/" + fault).status()).isLessThan(300);
    runs.complete(
        Rest.as(port, "alice", "demo"),
        decision.path("id").asText(),
        "{\"decision\":{\"value\":\"retry\"}}");
    runs.awaitEnd(run);
    world.verifySwitchedTo("codfw", "eqiad", before);
    assertThat(Long.parseLong(runs.variable(run, "readOnlyWindowMillis"))).isPositive();
    slow.forEach(runs::clear);
    runs.assertSideBySide(
        run, "ServiceTask_LockDeployments", "ServiceTask_DisablePuppetOnMaintenanceHosts");
    runs.assertSideBySide(
        run, "ServiceTask_DisablePuppetOnMaintenanceHosts", "ServiceTask_DowntimeReadOnlyChecks");
    runs.assertSideBySide(run, "ServiceTask_UnlockDeployments", "ServiceTask_RunPuppetOnDbMasters");
    assertThat(world.scapLock()).as("the lock ended in phase 9").isEmpty();
    assertThat(world.deploy().exit()).isZero();
    // the two checklists, ticked through REST by an operator: one journal entry per step
    assertThat(
            new JournalAssertions(port)
                .journal(run).stream()
                    .filter(e -> e.kind().equals("CHECKLIST"))
                    .filter(
                        e -> e.step().startsWith("UserTask_Confirm") && e.outcome().equals("DONE")))
        .hasSize(ManualStep.values().length);
  }

  /**
   * The way back, with the envoy restart of one old jobrunner slowed by 70 s in the lab: a step
   * that runs longer than a minute runs once, as the journal shows (one intent and one result).
   * With a job lock shorter than the step, the engine would acquire the step's job again while it
   * still ran and restart envoy a second time beside the first.
   */
  @Test
  @Order(5)
  void switchesBackCodfwToEqiadWithAStepLongerThanAMinuteThatRunsOnce() {
    String jobrunner = lab.topology().firstHost("codfw", "jobrunner").fqdn();
    String slow =
        runs.inject(
            "{\"kind\":\"COMMAND_SLOW\",\"host\":\""
                + jobrunner
                + "\",\"prefix\":\"systemctl restart envoyproxy\",\"seconds\":"
                + SLOWER_BY_SECONDS
                + "}");
    Map<String, String> before = world.state();
    String run = start("codfw", "eqiad", "live");
    runs.approve(run, "UserTask_GoNoGo", "dave");
    runs.approve(run, "UserTask_FinalGoNoGo", "bob");
    try {
      runs.awaitOutcome(run, "switched-over");
    } finally {
      runs.clear(slow);
    }
    world.verifySwitchedTo("eqiad", "codfw", before);
    // phase 8's two steps side by side: maintenance starts while envoy restarts for 70 s
    runs.assertSideBySide(
        run, "ServiceTask_RestartEnvoyOnJobrunners", "ServiceTask_StartMaintenance");

    List<JournalAssertions.Entry> restarts =
        new JournalAssertions(port)
            .journal(run).stream()
                .filter(
                    e ->
                        e.target().equals(jobrunner)
                            && e.action().equals("systemctl restart envoyproxy"))
                .toList();
    assertThat(restarts)
        .extracting(JournalAssertions.Entry::outcome)
        .as("one intent and one result, in that order")
        .containsExactly("INTENT", "PERFORMED");
    assertThat(restarts.get(1).durationMillis())
        .as("the restart outlasted the old one-minute job lock")
        .isGreaterThanOrEqualTo(SLOWER_BY_SECONDS * 1000L);
  }

  // ---------------------------------------------------------------- REST

  /** Slows the commands of a lab host that start with a prefix by 3 s; returns the fault. */
  private String slowCommand(String host, String prefix) {
    return runs.inject(
        "{\"kind\":\"COMMAND_SLOW\",\"host\":\""
            + host
            + "\",\"prefix\":\""
            + prefix
            + "\",\"seconds\":3}");
  }

  private String start(String from, String to, String mode) {
    return runs.start(from, to, mode);
  }

  private String start(String from, String to, String mode, int expectedStatus) {
    Rest.Reply reply = runs.tryStart(from, to, mode);
    assertThat(reply.status()).as(reply.body()).isEqualTo(expectedStatus);
    return reply.json().path("message").asText();
  }
}
