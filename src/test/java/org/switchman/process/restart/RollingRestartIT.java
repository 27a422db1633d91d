package org.switchman.process.restart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@code rolling-restart} end to end: the application with its lab, started and decided through the
 * REST API as operators would, checked with the lab's own clients (etcdctl, ssh) and the journal.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "switchman.restart.max-poll=2s")
@ActiveProfiles("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollingRestartIT {

  private static final AppLabSlot SLOT = AppLabSlot.firstFree(131, 12400, List.of("s1"));

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.register(registry, "rolling-restart");
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
  void badInputIsRefusedWith400NamingTheProblemAndLeavesNoRun() {
    Rest.Reply unknown = start(Map.of("service", "no-such-service"));
    assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
    assertThat(unknown.body()).contains("no-such-service");

    Rest.Reply foreign = start(Map.of("hosts", "db1001.eqiad.wmnet"));
    assertThat(foreign.status()).as(foreign.body()).isEqualTo(400);
    assertThat(foreign.body()).contains("host db1001.eqiad.wmnet is not a host of jobrunner");

    assertThat(
            Rest.as(port, "admin", "demo")
                .get("/engine-rest/process-instance?processDefinitionKey=rolling-restart")
                .json())
        .isEmpty();
  }

  @Test
  @Order(2)
  void aLiveRestartOfTheEqiadJobrunnersCatchesAHostThatLostItsRegistrationAndNeverRepoolsIt() {
    List<String> hosts = jobrunners("eqiad");
    assertThat(hosts).hasSizeGreaterThanOrEqualTo(2);
    String broken = hosts.get(1);
    Map<String, String> before = new LinkedHashMap<>();
    for (String host : hosts) {
      assertThat(pooled(host)).as(host).isEqualTo("yes");
      before.put(host, activeSince(host, "jobrunner"));
    }
    String fault =
        runs.inject(
            "{\"kind\":\"REGISTRATION_LOST\",\"host\":\"" + broken + "\",\"unit\":\"jobrunner\"}");

    Rest.Reply started = start(Map.of("batchSize", "2"));
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String run = started.json().path("id").asText();

    JsonNode decision = runs.awaitTask("UserTask_DecideOnFailedHosts");
    assertThat(decision.path("processInstanceId").asText()).isEqualTo(run);
    assertThat(runs.variable(decision, "failureMessage"))
        .contains(broken + ": post-checks")
        .contains("NOT registered with the proxy");
    assertThat(pooled(broken)).as("caught before the next batch, never repooled").isEqualTo("no");
    for (String later : hosts.subList(2, hosts.size())) {
      assertThat(activeSince(later, "jobrunner")).as(later + " waits").isEqualTo(before.get(later));
    }
    Map<String, JsonNode> live = liveHosts(run);
    assertThat(live.keySet()).containsExactlyElementsOf(hosts);
    assertThat(live.get(broken).path("stage").asText()).isEqualTo("failed");
    assertThat(live.get(broken).path("detail").asText())
        .as("the live view says why the host failed and that it is still out of its pool")
        .contains("NOT registered with the proxy")
        .contains("until an operator decides");
    assertThat(live.get(hosts.get(0)).path("stage").asText()).isEqualTo("done");
    for (String later : hosts.subList(2, hosts.size())) {
      assertThat(live.get(later).path("stage").asText()).isEqualTo("waiting for its batch");
    }

    runs.decide(decision, "skip", "registration to be fixed in the ticket; restart the others");
    runs.awaitOutcome(run, "restarted-with-hosts-left-depooled");
    runs.clear(fault);
    assertThat(liveHosts(run).values())
        .extracting(host -> host.path("stage").asText())
        .containsOnly("done", "failed")
        .containsOnlyOnce("failed");
    assertThat(
            new WebSession(port)
                .login("carol", "demo")
                .get("/switchman/runs/" + run + "/live")
                .body())
        .as("the live page lists the hosts")
        .contains("<h2>Hosts</h2>")
        .contains(broken);

    for (String host : hosts) {
      assertThat(activeSince(host, "jobrunner"))
          .as(host + " restarted")
          .isNotEqualTo(before.get(host));
      assertThat(pooled(host)).as(host).isEqualTo(host.equals(broken) ? "no" : "yes");
    }
    List<JsonNode> journal = journal(run);
    for (String host : hosts) {
      for (String unit : List.of("jobrunner", "jobchron")) {
        assertThat(
                journal.stream()
                    .filter(entry -> performed(entry, host, "systemctl restart " + unit))
                    .count())
            .as(host + " " + unit + " restarted exactly once")
            .isEqualTo(1);
      }
    }
    assertThat(mostDepooledAtOnce(journal)).as("never more than the batch size").isEqualTo(2);
    String jobLog = "/engine-rest/history/job-log/count?processInstanceId=" + run;
    Rest auditor = Rest.as(port, "carol", "demo");
    assertThat(auditor.get(jobLog).json().path("count").asInt())
        .as("an auditor reads the run's job log")
        .isPositive();
    assertThat(auditor.get(jobLog + "&failureLog=true").json().path("count").asInt())
        .as("no job of the run failed and ran again, the ends of a batch's hosts included")
        .isZero();
    assertThat(runs.variable(run, "report"))
        .contains(broken + ": left depooled, skipped by an operator");
    JsonNode summary =
        Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json().path("summary");
    assertThat(summary.path("target").asText()).isEqualTo("restart jobrunner in eqiad");
    assertThat(summary.path("findings").asText())
        .as("the run's report page lists the host it left depooled, and why")
        .contains(broken + ": left depooled, skipped by an operator: post-checks");
    assertThat(new WebSession(port).login("carol", "demo").get("/switchman/runs/" + run).body())
        .contains("Findings")
        .contains(broken + ": left depooled");
    assertThat(Cli.etcdctl(lab, "get", "--prefix", "--keys-only", "/switchman/locks/").out())
        .as("every lock released")
        .doesNotContain("rolling-restart")
        .doesNotContain(broken);
  }

  @Test
  @Order(3)
  void cassandraAndElasticsearchWaitUntilTheirClustersAreFitThenRestartSideBySide() {
    String cassandra = hostsOf("aqs", "eqiad").get(0);
    String elastic = hostsOf("elasticsearch", "eqiad").get(0);
    Map<String, String> before =
        Map.of(
            cassandra, activeSince(cassandra, "cassandra"),
            elastic, activeSince(elastic, "elasticsearch"));
    String compactions =
        runs.inject(
            "{\"kind\":\"COMPACTIONS_PENDING\",\"host\":\"" + cassandra + "\",\"count\":7}");
    String yellow = runs.inject("{\"kind\":\"ELASTICSEARCH_YELLOW\",\"host\":\"" + elastic + "\"}");

    // two services, two locks: both runs go at once; each needs a GO from someone else
    String cassandraRun = started(Map.of("service", "cassandra", "hosts", cassandra));
    String elasticRun = started(Map.of("service", "elasticsearch", "hosts", elastic));
    runs.approve(cassandraRun, "UserTask_GoNoGo", "bob");
    runs.approve(elasticRun, "UserTask_GoNoGo", "bob");

    // each looks at its pre-checks again and again, and touches nothing meanwhile
    awaitLooks(cassandraRun, 2);
    awaitLooks(elasticRun, 2);
    assertThat(pooled("aqs", cassandra)).isEqualTo("yes");
    assertThat(pooled("elasticsearch", elastic)).isEqualTo("yes");
    assertThat(activeSince(cassandra, "cassandra")).isEqualTo(before.get(cassandra));
    assertThat(activeSince(elastic, "elasticsearch")).isEqualTo(before.get(elastic));

    runs.clear(compactions);
    runs.clear(yellow);
    runs.awaitOutcome(cassandraRun, "restarted");
    runs.awaitOutcome(elasticRun, "restarted");

    assertThat(activeSince(cassandra, "cassandra")).isNotEqualTo(before.get(cassandra));
    assertThat(activeSince(elastic, "elasticsearch")).isNotEqualTo(before.get(elastic));
    assertThat(pooled("aqs", cassandra)).isEqualTo("yes");
    assertThat(pooled("elasticsearch", elastic)).isEqualTo("yes");
    assertThat(
            journal(cassandraRun).stream()
                .filter(entry -> performed(entry, cassandra, "systemctl restart cassandra"))
                .count())
        .isEqualTo(1);
    assertThat(
            journal(cassandraRun).stream()
                .filter(entry -> performed(entry, cassandra, "nodetool drain"))
                .count())
        .as("drained before the restart")
        .isEqualTo(1);
  }

  @Test
  @Order(4)
  void aRestartAfterADeployDefersTheHostsRunningATranscodeOrADumpAndLeavesThePassiveCronAlone() {
    String busy = hostsOf("videoscaler", "eqiad").get(0);
    String idle = hostsOf("videoscaler", "codfw").get(0);
    List<String> maintenance =
        List.of(hostsOf("maintenance", "eqiad").get(0), hostsOf("maintenance", "codfw").get(0));
    Map<String, String> before = new HashMap<>();
    for (String host : List.of(busy, idle)) {
      before.put(host, activeSince(host, "jobrunner"));
    }
    for (String host : maintenance) {
      before.put(host, Cli.ssh(lab, host, "systemctl is-active mw-cron").out().strip());
    }
    assertThat(before.values()).as("mw-cron runs in one datacenter only").contains("inactive");
    String dumping = hostsOf("snapshot", "eqiad").get(0);
    String notDumping = hostsOf("snapshot", "codfw").get(0);
    for (String host : List.of(dumping, notDumping)) {
      before.put(host, activeSince(host, "mw-dumps"));
    }
    String dump =
        runs.inject(
            "{\"kind\":\"LONG_JOB_RUNNING\",\"host\":\""
                + dumping
                + "\",\"unit\":\"xmldumps-enwiki\",\"seconds\":86400}");
    String transcode =
        runs.inject(
            "{\"kind\":\"LONG_JOB_RUNNING\",\"host\":\""
                + busy
                + "\",\"unit\":\"webVideoTranscode\",\"seconds\":3600}");

    Rest.Reply reply =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/restart-after-deploy/start",
                Rest.variables(
                    Map.of(
                        "deployId", "scap-it-0001",
                        "services", "mw-cron,videoscaler,mw-dumps",
                        "mode", "live")));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    String run = reply.json().path("id").asText();
    runs.awaitOutcome(run, "restarted-with-deferred-hosts");
    runs.clear(transcode);
    runs.clear(dump);
    assertThat(activeSince(dumping, "mw-dumps"))
        .as("a dump is never interrupted")
        .isEqualTo(before.get(dumping));
    assertThat(activeSince(notDumping, "mw-dumps")).isNotEqualTo(before.get(notDumping));

    assertThat(activeSince(busy, "jobrunner")).as("never interrupted").isEqualTo(before.get(busy));
    assertThat(pooled("videoscaler", busy)).isEqualTo("yes");
    assertThat(activeSince(idle, "jobrunner")).as("restarted").isNotEqualTo(before.get(idle));
    List<JsonNode> journal = journal(run);
    assertThat(
            journal.stream().filter(entry -> performed(entry, busy, "systemctl restart jobrunner")))
        .isEmpty();
    assertThat(
            journal.stream()
                .filter(entry -> performed(entry, dumping, "systemctl restart mw-dumps")))
        .isEmpty();
    assertThat(
            journal.stream()
                .filter(entry -> performed(entry, notDumping, "systemctl restart mw-dumps"))
                .count())
        .as(notDumping + " restarted exactly once")
        .isEqualTo(1);
    for (String host : maintenance) {
      boolean running = before.get(host).equals("active");
      assertThat(
              journal.stream()
                  .filter(entry -> performed(entry, host, "systemctl restart mw-cron"))
                  .count())
          .as(host + (running ? " restarted" : " not started where it does not run"))
          .isEqualTo(running ? 1 : 0);
      assertThat(Cli.ssh(lab, host, "systemctl is-active mw-cron").out().strip())
          .isEqualTo(before.get(host));
    }
    assertThat(runs.variable(run, "report"))
        .contains(busy + ": deferred, not touched: no-long-jobs: CRITICAL")
        .contains("webVideoTranscode")
        .contains(dumping + ": deferred, not touched: no-long-jobs: CRITICAL")
        .contains("xmldumps-enwiki")
        .contains("Not running, nothing to restart");
    assertThat(liveHosts(run).get(dumping).path("stage").asText()).isEqualTo("left alone");
  }

  // ------------------------------------------------------------------ helpers

  private String started(Map<String, Object> overrides) {
    Rest.Reply reply = start(overrides);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().path("id").asText();
  }

  /** Waits until the run has looked at its host's pre-checks that many times. */
  /** The live view's hosts of a run, by FQDN in plan order, as an auditor's browser reads them. */
  private Map<String, JsonNode> liveHosts(String run) {
    Map<String, JsonNode> hosts = new LinkedHashMap<>();
    Rest.as(port, "carol", "demo")
        .get("/switchman/api/runs/" + run + "/live")
        .json()
        .path("hosts")
        .forEach(host -> hosts.put(host.path("host").asText(), host));
    return hosts;
  }

  private void awaitLooks(String run, int looks) {
    SwitchoverRuns.await(
        () ->
            Rest.as(port, "admin", "demo")
                    .get(
                        "/engine-rest/history/activity-instance?processInstanceId="
                            + run
                            + "&activityId=ServiceTask_CheckHostBeforeRestart&finished=true")
                    .json()
                    .size()
                >= looks,
        java.time.Duration.ofSeconds(60),
        () -> "run " + run + " to look at its pre-checks " + looks + " times");
  }

  private Rest.Reply start(Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put("service", "jobrunner");
    values.put("dc", "eqiad");
    values.put("hosts", "");
    values.put("action", "restart");
    values.put("mode", "live");
    values.put("reason", "Restart the jobrunners for the new PHP build");
    values.put("ticket", "T5150");
    values.putAll(overrides);
    return Rest.as(port, "alice", "demo")
        .post("/engine-rest/process-definition/key/rolling-restart/start", Rest.variables(values));
  }

  private List<String> jobrunners(String dc) {
    return hostsOf("jobrunner", dc);
  }

  private List<String> hostsOf(String cluster, String dc) {
    return lab.topology().hosts().stream()
        .filter(host -> host.dc().equals(dc) && host.cluster().equals(cluster))
        .map(LabTopology.Host::fqdn)
        .sorted()
        .toList();
  }

  private String pooled(String host) {
    return pooled("jobrunner", host);
  }

  /** The host's entry in the eqiad pool of the conftool service of the same name as its cluster. */
  private String pooled(String cluster, String host) {
    String key = "/conftool/v1/pools/eqiad/" + cluster + "/" + cluster + "/" + host;
    String value = Cli.etcdctl(lab, "get", "--print-value-only", key).out();
    return value.replaceAll("(?s).*\"pooled\":\"([a-z]+)\".*", "$1").strip();
  }

  private String activeSince(String host, String unit) {
    return Cli.ssh(lab, host, "systemctl show -p ActiveEnterTimestamp " + unit).out().strip();
  }

  private List<JsonNode> journal(String run) {
    JsonNode entries =
        Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json().path("journal");
    List<JsonNode> all = new java.util.ArrayList<>();
    entries.forEach(all::add);
    return all;
  }

  private static boolean performed(JsonNode entry, String host, String action) {
    return entry.path("outcome").asText().equals("PERFORMED")
        && entry.path("target").asText().equals(host)
        && entry.path("action").asText().equals(action);
  }

  /** The most hosts out of their pools at once, replaying the journal's pool changes in order. */
  private static int mostDepooledAtOnce(List<JsonNode> journal) {
    int depooled = 0;
    int most = 0;
    for (JsonNode entry : journal) {
      if (!entry.path("outcome").asText().equals("PERFORMED")) {
        continue;
      }
      String action = entry.path("action").asText();
      if (!entry.path("target").asText().startsWith("/conftool/v1/pools/")) {
        continue;
      }
      String after = action.substring(action.lastIndexOf("->"));
      if (after.contains("\"pooled\":\"no\"")) {
        most = Math.max(most, ++depooled);
      } else if (after.contains("\"pooled\":\"yes\"")) {
        depooled--;
      }
    }
    return most;
  }
}
