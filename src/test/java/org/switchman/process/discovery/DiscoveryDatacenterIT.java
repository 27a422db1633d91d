package org.switchman.process.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
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
import org.switchman.lab.LabTopology;
import org.switchman.support.AppLabSlot;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;
import org.switchman.support.WebSession;

/**
 * {@code discovery-datacenter} end to end: the application with its lab, started and decided
 * through the REST API as operators would, checked with the lab's own clients (etcdctl, dig) and
 * the run's report and journal.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiscoveryDatacenterIT {

  private static final AppLabSlot SLOT = AppLabSlot.firstFree(141, 13600, List.of("s1"));

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.register(registry, "discovery-datacenter");
  }

  @LocalServerPort int port;

  @Autowired Lab lab;

  private SwitchoverRuns runs;

  @BeforeEach
  void driver() {
    runs = new SwitchoverRuns(port);
  }

  @Test
  @Order(1)
  void aStatusReadsTheTableOfServicesAndDatacentersAndChangesNothing() {
    Map<String, String> before = discoveryKeys();
    Rest.Reply started = start("status", "all", "", "live");
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String run = started.json().path("id").asText();

    runs.awaitOutcome(run, "status");
    String report = runs.variable(run, "report");
    for (String service : LabTopology.ACTIVE_ACTIVE_SERVICES) {
      assertThat(report).contains(service + " (active/active): codfw pooled, eqiad pooled");
    }
    for (String service : LabTopology.ACTIVE_PASSIVE_SERVICES) {
      assertThat(report).contains(service + " (active/passive): codfw depooled, eqiad pooled");
    }
    assertThat(report).doesNotContain("appservers-rw");
    assertThat(discoveryKeys()).isEqualTo(before);
  }

  @Test
  @Order(2)
  void aDepoolThatWouldLeaveAServicePooledNowhereIsRefusedWith400AndNothingChanges() {
    put("aqs", "eqiad", false);
    try {
      Map<String, String> before = discoveryKeys();
      Rest.Reply refused = start("depool", "codfw", "", "live");

      assertThat(refused.status()).as(refused.body()).isEqualTo(400);
      assertThat(refused.body()).contains("depooling codfw would leave aqs pooled nowhere");
      assertThat(discoveryKeys()).as("no service changed, not even the others").isEqualTo(before);
      assertThat(
              Rest.as(port, "admin", "demo")
                  .get("/engine-rest/process-instance?processDefinitionKey=discovery-datacenter")
                  .json())
          .isEmpty();
    } finally {
      put("aqs", "eqiad", true);
    }
  }

  @Test
  @Order(3)
  void aLiveDepoolOfCodfwNeedsAnotherApproverThenDepoolsEveryActiveActiveServiceInEtcdAndDns() {
    String run = start("depool", "codfw", "", "live").json().path("id").asText();
    JsonNode gate = runs.awaitTask("UserTask_GoNoGo");
    Rest.Reply own =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/task/" + gate.path("id").asText() + "/complete",
                "{\"variables\":{\"decision\":{\"value\":\"GO\"}}}");
    assertThat(own.status()).as("four-eyes: " + own.body()).isEqualTo(403);
    assertThat(pooled("aqs", "codfw")).as("nothing before GO").isTrue();

    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.awaitOutcome(run, "depooled");

    for (String service : LabTopology.ACTIVE_ACTIVE_SERVICES) {
      assertThat(pooled(service, "codfw")).as(service).isFalse();
      assertThat(pooled(service, "eqiad")).as(service).isTrue();
      assertThat(addresses(service)).as(service).containsExactly(serviceAddress(service, "eqiad"));
    }
    for (String service : LabTopology.ACTIVE_PASSIVE_SERVICES) {
      assertThat(pooled(service, "eqiad")).as(service + " stays").isTrue();
    }
    assertThat(pooled("appservers-rw", "eqiad")).as("MediaWiki's untouched").isTrue();
    assertThat(runs.variable(run, "report"))
        .startsWith(
            LabTopology.ACTIVE_ACTIVE_SERVICES.size()
                + " of "
                + LabTopology.ACTIVE_ACTIVE_SERVICES.size()
                + " services depooled in codfw (live)");
    List<String> journal = performed(run);
    assertThat(journal)
        .anyMatch(
            action -> action.contains("update add aqs.discovery.wmnet.") && action.contains(" A "));
    Rest.Reply live = Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run + "/live");
    assertThat(live.status()).as(live.body()).isEqualTo(200);
    List<String> stages = new ArrayList<>();
    live.json().path("services").forEach(service -> stages.add(service.path("stage").asText()));
    assertThat(stages)
        .as("the live view lists each service of the plan, done")
        .hasSize(LabTopology.ACTIVE_ACTIVE_SERVICES.size())
        .containsOnly("done");
    assertThat(
            new WebSession(port)
                .login("carol", "demo")
                .get("/switchman/runs/" + run + "/live")
                .body())
        .contains("<h2>Services</h2>")
        .contains("aqs (active/active): pooled in codfw, eqiad → eqiad");
  }

  @Test
  @Order(4)
  void poolingCodfwPutsTheActiveActiveServicesBackAndMovesTheActivePassiveOnesThereAfterAGo() {
    String run = start("pool", "codfw", "", "live").json().path("id").asText();
    assertThat(runs.variable(run, "plan"))
        .contains("releases (active/passive): pooled in eqiad → codfw");
    runs.approve(run, "UserTask_GoNoGo", "dave");
    runs.awaitOutcome(run, "pooled");

    for (String service : LabTopology.ACTIVE_ACTIVE_SERVICES) {
      assertThat(pooled(service, "codfw")).as(service).isTrue();
      assertThat(addresses(service))
          .as(service)
          .containsExactlyInAnyOrder(
              serviceAddress(service, "eqiad"), serviceAddress(service, "codfw"));
    }
    for (String service : LabTopology.ACTIVE_PASSIVE_SERVICES) {
      assertThat(pooled(service, "codfw")).as(service).isTrue();
      assertThat(pooled(service, "eqiad")).as(service + " moved, not doubled").isFalse();
      assertThat(cname(service)).isEqualTo(service + ".svc.codfw.wmnet.");
    }
    List<String> journal = performed(run);
    String releases = "/conftool/v1/discovery/releases/";
    assertThat(indexOf(journal, releases + "codfw"))
        .as("releases pooled in codfw before it is depooled in eqiad")
        .isLessThan(indexOf(journal, releases + "eqiad"));
  }

  @Test
  @Order(5)
  void poolingEqiadMovesTheActivePassiveServicesBack() {
    String run = start("pool", "eqiad", "", "live").json().path("id").asText();
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.awaitOutcome(run, "pooled");
    for (String service : LabTopology.ACTIVE_PASSIVE_SERVICES) {
      assertThat(pooled(service, "eqiad")).as(service).isTrue();
      assertThat(pooled(service, "codfw")).as(service).isFalse();
      assertThat(cname(service)).isEqualTo(service + ".svc.eqiad.wmnet.");
    }
  }

  private Rest.Reply start(String action, String dc, String services, String mode) {
    Map<String, Object> values = new HashMap<>();
    values.put("action", action);
    values.put("dc", dc);
    values.put("services", services);
    values.put("mode", mode);
    values.put("reason", "Network maintenance in " + dc);
    values.put("ticket", "T7070");
    return Rest.as(port, "alice", "demo")
        .post(
            "/engine-rest/process-definition/key/discovery-datacenter/start",
            Rest.variables(values));
  }

  private String key(String service, String dc) {
    return "/conftool/v1/discovery/" + service + "/" + dc;
  }

  private boolean pooled(String service, String dc) {
    String value = Cli.etcdctl(lab, "get", "--print-value-only", key(service, dc)).out();
    return value.contains("\"pooled\":true");
  }

  private void put(String service, String dc, boolean pooled) {
    String value = Cli.etcdctl(lab, "get", "--print-value-only", key(service, dc)).out().strip();
    String changed = value.replaceAll("\"pooled\":(true|false)", "\"pooled\":" + pooled);
    assertThat(Cli.etcdctl(lab, "put", key(service, dc), changed).exit()).isZero();
  }

  /** Every discovery object, as etcd holds it. */
  private Map<String, String> discoveryKeys() {
    String out = Cli.etcdctl(lab, "get", "--prefix", "/conftool/v1/discovery/").out();
    Map<String, String> keys = new TreeMap<>();
    String[] lines = out.split("\n");
    for (int i = 0; i + 1 < lines.length; i += 2) {
      keys.put(lines[i], lines[i + 1]);
    }
    return keys;
  }

  private List<String> addresses(String service) {
    return Cli.dig(lab, "+short", service + ".discovery.wmnet", "A")
        .out()
        .lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .sorted()
        .toList();
  }

  private String serviceAddress(String service, String dc) {
    return Cli.dig(lab, "+short", service + ".svc." + dc + ".wmnet").out().strip();
  }

  private String cname(String service) {
    return Cli.dig(lab, "+short", service + ".discovery.wmnet", "CNAME").out().strip();
  }

  private List<String> performed(String run) {
    JsonNode entries =
        Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json().path("journal");
    List<String> actions = new ArrayList<>();
    entries.forEach(
        entry -> {
          if (entry.path("outcome").asText().equals("PERFORMED")) {
            actions.add(entry.path("target").asText() + " " + entry.path("action").asText());
          }
        });
    return actions;
  }

  private static int indexOf(List<String> journal, String target) {
    for (int i = 0; i < journal.size(); i++) {
      if (journal.get(i).startsWith(target + " ")) {
        return i;
      }
    }
    throw new AssertionError("no change of " + target + " in " + journal);
  }
}
