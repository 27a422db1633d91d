package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
import org.switchman.lab.Cli;
import org.switchman.lab.Lab;
import org.switchman.lab.LabConfig;
import org.switchman.lab.LabFault;
import org.switchman.lab.LabSlots;
import org.switchman.lab.LabTopology;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * Switchovers end to end against the lab, driven only through the REST API as three people:
 * alice starts, bob gives the first GO, dave the final one. Afterwards every outcome is checked
 * with the real clients (etcdctl, dig, mysql), not through Switchman's own adapters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "switchman.lab.dir=target/switchover-it-lab",
    "switchman.lab.discovery-ttl=12s",
    "switchman.switchover.catch-up-attempts=8"})
@ActiveProfiles("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverIT {

  private static final LabConfig SLOT = LabSlots.firstFree(slot -> LabConfig.demo(Path.of("x"))
      .relocated(Path.of("x"), "127." + (51 + slot), 7200 + 200 * slot), 5);
  private static final List<String> SERVICES = LabTopology.MEDIAWIKI_SERVICES;

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    registry.add("switchman.data-dir", () -> Path.of("target", "test-data",
        "switchover-" + java.util.UUID.randomUUID()).toAbsolutePath().toString());
    registry.add("switchman.lab.loopback-network", SLOT::loopbackNetwork);
    registry.add("switchman.lab.port-offset",
        () -> SLOT.etcdPort() - LabConfig.demo(Path.of("x")).etcdPort());
  }

  @LocalServerPort
  int port;

  private SwitchoverRuns runs;

  @org.junit.jupiter.api.BeforeEach
  void driver() {
    runs = new SwitchoverRuns(port);
  }

  @Autowired
  Lab lab;

  @Test
  @Order(1)
  void badInputAndAHeldLockAreRefusedThroughRest() {
    Rest alice = Rest.as(port, "alice", "demo");
    Rest.Reply same = alice.post("/engine-rest/process-definition/key/dc-switchover/start",
        SwitchoverRuns.startBody("eqiad", "eqiad", "live"));
    assertThat(same.status()).isEqualTo(400);
    assertThat(same.json().path("type").asText()).isEqualTo("InvalidRequest");
    assertThat(same.json().path("message").asText()).contains("dcFrom and dcTo are both 'eqiad'");
    Rest.Reply passive = alice.post("/engine-rest/process-definition/key/dc-switchover/start",
        SwitchoverRuns.startBody("codfw", "eqiad", "live"));
    assertThat(passive.json().path("message").asText())
        .contains("dcFrom must be the active datacenter eqiad");
    assertThat(Rest.as(port, "carol", "demo").post(
        "/engine-rest/process-definition/key/dc-switchover/start", SwitchoverRuns.startBody("eqiad", "codfw", "live"))
        .status()).isEqualTo(403);

    long runsBefore = Rest.as(port, "admin", "demo")
        .get("/engine-rest/history/process-instance/count?processDefinitionKey=dc-switchover").json()
        .get("count").asLong();
    String good = SwitchoverRuns.startBody("eqiad", "codfw", "dry-run");
    Map<String, String> badInput = new java.util.LinkedHashMap<>();
    badInput.put(good.replace("Datacenter switchover test", "x".repeat(201)), "reason is 201 characters long");
    badInput.put(good.replace("Datacenter switchover test", "planned\\n### Mode: dry-run"), "reason must be a single line");
    badInput.put(good.replace("T4242", "T42; rm -rf /"), "ticket must be T followed by digits");
    badInput.put(good.replace("\"PT3M\"", "\"P365D\""), "readOnlyBudget must be from PT30S to PT1H");
    badInput.put(good.replace("\"PT3M\"", "\"PT10S\""), "readOnlyBudget must be from PT30S to PT1H");
    badInput.put(good.replace("\"PT0S\"", "\"PT6M\""), "inFlightGrace must be from PT0S to PT5M");
    badInput.put(good.replace("\"PT3M\"", "\"PT1M\"").replace("\"PT0S\"", "\"PT2M\""),
        "must not be longer than readOnlyBudget");
    badInput.put(good.replace("\"PT3M\"", "\"PT9999999999999999H\""), "readOnlyBudget");
    badInput.put(good.replace("\"mode\":", "\"activeDatacenter\":{\"value\":\"codfw\"},\"mode\":"),
        "'activeDatacenter' is not a field");
    badInput.forEach((body, problem) -> {
      Rest.Reply refused = alice.post("/engine-rest/process-definition/key/dc-switchover/start", body);
      assertThat(refused.status()).as(problem + ": " + refused.body()).isEqualTo(400);
      assertThat(refused.json().path("message").asText()).contains(problem);
    });
    assertThat(Rest.as(port, "admin", "demo")
        .get("/engine-rest/history/process-instance/count?processDefinitionKey=dc-switchover").json()
        .get("count").asLong()).isEqualTo(runsBefore);
  }

  @Test
  @Order(2)
  void aDryRunLeavesEverythingUnchanged() {
    Map<String, String> before = state();
    String run = start("eqiad", "codfw", "dry-run");
    assertThat(start("eqiad", "codfw", "dry-run", 409)).contains("locked by run " + run + " of alice");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    runs.awaitEnd(run);
    assertThat(state()).isEqualTo(before);
  }

  @Test
  @Order(3)
  void aLiveTestLeavesTheActiveDatacenterUnchanged() {
    Map<String, String> before = state();
    String run = start("codfw", "eqiad", "live-test");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    runs.awaitEnd(run);
    Map<String, String> after = state();
    before.forEach((key, value) -> {
      if (key.contains("eqiad") || key.startsWith("WMFMasterDatacenter") || key.startsWith("dns ")) {
        assertThat(after.get(key)).as(key).isEqualTo(value);
      }
    });
    assertThat(runs.history(run).path("state").asText()).isEqualTo("COMPLETED");
  }

  @Test
  @Order(4)
  void switchesEqiadToCodfwThroughALagThatARetryResolves() {
    Rest admin = Rest.as(port, "admin", "demo");
    String run = start("eqiad", "codfw", "live");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    // after the pre-checks, which would refuse a lagging section: the lag hits phase 3
    String fault = admin.post("/lab/api/faults", "{\"kind\":\"REPLICATION_DELAY\",\"section\":\"s3\","
        + "\"dc\":\"codfw\",\"seconds\":120}").json().path("id").asText();
    assertThat(fault).isNotBlank();
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSectionFailure");
    assertThat(runs.variable(decision, "failureMessage")).contains("s3").contains("has not caught up");
    assertThat(admin.delete("/lab/api/faults/" + fault).status()).isLessThan(300);
    runs.complete(Rest.as(port, "alice", "demo"), decision.path("id").asText(),
        "{\"decision\":{\"value\":\"retry\"}}");
    runs.awaitEnd(run);
    verifySwitchedTo("codfw", "eqiad");
    assertThat(Long.parseLong(runs.variable(run, "readOnlyWindowMillis"))).isPositive();
  }

  @Test
  @Order(5)
  void switchesBackCodfwToEqiad() {
    String run = start("codfw", "eqiad", "live");
    runs.approve(run, "UserTask_GoNoGo", "dave");
    runs.approve(run, "UserTask_FinalGoNoGo", "bob");
    runs.awaitEnd(run);
    verifySwitchedTo("eqiad", "codfw");
  }

  // ---------------------------------------------------------------- checks with the real clients

  private void verifySwitchedTo(String dcTo, String dcFrom) {
    assertThat(etcd("/conftool/v1/mediawiki-config/common/WMFMasterDatacenter")).contains("\"" + dcTo + "\"");
    for (String dc : LabTopology.DATACENTERS) {
      assertThat(etcd("/conftool/v1/mediawiki-config/" + dc + "/ReadOnly")).contains("false");
    }
    for (String service : SERVICES) {
      assertThat(etcd("/conftool/v1/discovery/" + service + "/" + dcTo)).contains("\"pooled\":true");
      assertThat(etcd("/conftool/v1/discovery/" + service + "/" + dcFrom)).contains("\"pooled\":false");
      assertThat(dns(service)).isEqualTo("12 " + service + ".svc." + dcTo + ".wmnet.");
    }
    Instant after = Instant.now();
    for (String section : lab.topology().sections()) {
      assertThat(sql(section, dcFrom, "SELECT @@global.read_only")).as(section).isEqualTo("1");
      assertThat(sql(section, dcTo, "SELECT @@global.read_only")).as(section).isEqualTo("0");
    }
    // the write load of each section now lands on the new master: rows written by it after the switch
    SwitchoverRuns.await(() -> lab.topology().sections().stream().allMatch(section -> Long.parseLong(sql(section, dcTo,
        "SELECT COUNT(*) FROM wiki.edits WHERE dc='" + dcTo + "' AND ts > '"
            + after.toString().replace("T", " ").replace("Z", "") + "'")) > 0), Duration.ofSeconds(15), () -> "the write load writes to the " + dcTo + " masters");
  }

  private Map<String, String> state() {
    Map<String, String> state = new LinkedHashMap<>();
    state.put("WMFMasterDatacenter", etcd("/conftool/v1/mediawiki-config/common/WMFMasterDatacenter"));
    for (String dc : LabTopology.DATACENTERS) {
      state.put("ReadOnly " + dc, etcd("/conftool/v1/mediawiki-config/" + dc + "/ReadOnly"));
      for (String service : SERVICES) {
        state.put("discovery " + service + " " + dc, etcd("/conftool/v1/discovery/" + service + "/" + dc));
      }
      for (String section : lab.topology().sections()) {
        state.put("read_only " + section + " " + dc, sql(section, dc, "SELECT @@global.read_only"));
      }
      for (String host : List.of(dc.equals("eqiad") ? "mwmaint1001.eqiad.wmnet" : "mwmaint2001.codfw.wmnet")) {
        state.put("mw-cron " + dc, Cli.ssh(lab, host, "systemctl is-active mw-cron").out().strip());
        state.put("puppet " + dc, Cli.ssh(lab, host, "puppet-enabled").out().strip());
      }
    }
    for (String service : SERVICES) {
      state.put("dns " + service, dns(service));
    }
    return state;
  }

  private String etcd(String key) {
    Cli.Result result = Cli.etcdctl(lab, "get", key, "--print-value-only");
    assertThat(result.exit()).as(result.all()).isZero();
    return result.out().strip();
  }

  /** "TTL TARGET" of the record as BIND answers it. */
  private String dns(String service) {
    String answer = Cli.dig(lab, service + ".discovery.wmnet", "CNAME").out().strip();
    String[] fields = answer.split("\\s+");
    assertThat(fields).as(answer).hasSize(5);
    return fields[1] + " " + fields[4];
  }

  private String sql(String section, String dc, String query) {
    Cli.Result result = Cli.mysql(lab, section, dc, query);
    assertThat(result.exit()).as(result.all()).isZero();
    return result.out().strip();
  }

  // ---------------------------------------------------------------- REST

  private String start(String from, String to, String mode) {
    return runs.start(from, to, mode);
  }

  private String start(String from, String to, String mode, int expectedStatus) {
    Rest.Reply reply = runs.tryStart(from, to, mode);
    assertThat(reply.status()).as(reply.body()).isEqualTo(expectedStatus);
    return reply.json().path("message").asText();
  }
}
