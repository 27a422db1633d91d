package org.switchman.process.reboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
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
import org.switchman.support.AppLabSlot;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * {@code host-reboot} end to end: the application with its lab, started and decided through the
 * REST API as operators would, the lab's file server rebooted for real (its sshd goes away and
 * comes back), and the result checked on the hosts over SSH and in etcd with the lab's own clients.
 * Looks at the boot and the recovery every 2 s ({@code switchman.restart.max-poll}).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "switchman.restart.max-poll=2s")
@ActiveProfiles("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostRebootIT {

  private static final AppLabSlot SLOT = AppLabSlot.firstFree(151, 14800, List.of("s1"));
  private static final String AFS = "afs1001.eqiad.wmnet";
  private static final List<String> WEB = List.of("web1001.eqiad.wmnet", "web1002.eqiad.wmnet");

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.register(registry, "host-reboot");
  }

  @LocalServerPort int port;

  @Autowired Lab lab;

  private SwitchoverRuns runs;
  private final List<String> faults = new ArrayList<>();

  @BeforeEach
  void driver() {
    runs = new SwitchoverRuns(port);
  }

  @AfterEach
  void clearFaults() {
    ClockUtil.reset();
    faults.forEach(runs::clear);
    faults.clear();
  }

  @Test
  @Order(1)
  void aCleanRebootStopsTheFileServersServicesRebootsItAndRepoolsItOnceItsSmokeTestPasses() {
    Instant bootBefore = upSince(AFS);
    String run = start(AFS, "true");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.awaitOutcome(run, "rebooted");

    assertThat(upSince(AFS)).as("rebooted").isAfter(bootBefore);
    assertThat(ssh(AFS, "domtool-test-config").exit()).as("the smoke test, run again").isZero();
    assertThat(pooled(AFS, "fileserver", "afs")).isEqualTo("yes");
    assertThat(ssh(AFS, "downtimes").out()).doesNotContain("host");
    List<String> performed = performed(run);
    assertThat(performed)
        .containsSubsequence(
            AFS + " systemctl stop cron",
            AFS + " systemctl stop nscd",
            AFS + " reboot",
            AFS + " systemctl restart domtool-server",
            WEB.get(0) + " systemctl restart domtool-slave",
            WEB.get(1) + " systemctl restart domtool-slave");
    assertThat(runs.variable(run, "report"))
        .startsWith(AFS + ": rebooted, repooled in 1 pool")
        .contains("recovery: done: the file server serves since");
  }

  @Test
  @Order(2)
  void anUncleanRebootWaitsOutASalvageThenRestartsWhatStartedEarlyAndPostgresTwice() {
    faults.add(runs.inject("{\"kind\":\"BOOT_UNCLEAN\",\"host\":\"" + AFS + "\",\"seconds\":20}"));
    faults.add(
        runs.inject(
            "{\"kind\":\"RESTART_NEEDS_ATTEMPTS\",\"host\":\""
                + AFS
                + "\",\"unit\":\"postgresql\",\"count\":2}"));
    String run = start(AFS, "false");
    runs.approve(run, "UserTask_GoNoGo", "bob");

    // while the salvage runs the live view says so, and nothing is started or stopped
    SwitchoverRuns.await(
        () -> liveStep(run, "recovery").path("stage").asText().equals("running"),
        Duration.ofMinutes(2),
        () -> "the salvage in the live view: " + live(run));
    assertThat(liveStep(run, "recovery").path("detail").asText())
        .startsWith("the file server is salvaging its partitions, for");
    assertThat(ssh(AFS, "bos status " + AFS).out()).contains("salvaging file system");
    assertThat(ssh(AFS, "domtool-test-config").exit())
        .as("services that started during the salvage started wrongly")
        .isNotZero();

    runs.awaitOutcome(run, "rebooted");
    assertThat(ssh(AFS, "domtool-test-config").exit()).isZero();
    assertThat(ssh(AFS, "systemctl is-active postgresql").out().strip()).isEqualTo("active");
    String report = runs.variable(run, "report");
    assertThat(report)
        .contains("stopped as started before the filesystem was available: cron, domtool-server,")
        .contains("postgresql: start 1 of 3 failed")
        .contains("postgresql: active after 2 starts");
    List<String> performed = performed(run);
    assertThat(performed).contains(AFS + " reboot -f").doesNotContain(AFS + " reboot");
    assertThat(performed)
        .containsSubsequence(
            AFS + " systemctl stop apache2",
            AFS + " systemctl start nscd",
            AFS + " systemctl start postgresql",
            AFS + " systemctl start apache2",
            AFS + " systemctl restart domtool-server");
    assertThat(pooled(AFS, "fileserver", "afs")).isEqualTo("yes");
  }

  @Test
  @Order(3)
  void aHostThatDoesNotComeBackIsLeftDepooledAndReported() {
    String web = WEB.get(0);
    faults.add(runs.inject("{\"kind\":\"BOOT_SLOW\",\"host\":\"" + web + "\",\"seconds\":900}"));
    String run = start(web, "true");
    SwitchoverRuns.await(
        () -> liveStep(run, "reboot").path("stage").asText().equals("waiting for the host"),
        Duration.ofMinutes(1),
        () -> "the reboot in the live view: " + live(run));
    assertThat(pooled(web, "webserver", "apache2")).isEqualTo("no");

    // the profile gives a web server 20 minutes to come back: let them pass on the engine's clock
    ClockUtil.setCurrentTime(java.util.Date.from(Instant.now().plus(Duration.ofMinutes(21))));
    JsonNode decision = runs.awaitTask("UserTask_DecideOnRebootFailure");
    assertThat(runs.variable(decision, "failedCheck")).isEqualTo("host-up");
    runs.decide(decision, "abort", "needs hands in the datacenter");
    runs.awaitOutcome(run, "left-depooled");

    assertThat(pooled(web, "webserver", "apache2")).as("never repooled").isEqualTo("no");
    assertThat(runs.variable(run, "report")).contains("LEFT DEPOOLED");
  }

  private String start(String host, String clean) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("host", host);
    values.put("clean", clean);
    values.put("mode", "live");
    values.put("reason", "Kernel upgrade");
    values.put("ticket", "T4242");
    Rest.Reply reply =
        Rest.as(port, "alice", "demo")
            .post("/engine-rest/process-definition/key/host-reboot/start", Rest.variables(values));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().path("id").asText();
  }

  private Cli.Result ssh(String host, String command) {
    return Cli.ssh(lab, host, command);
  }

  private Instant upSince(String host) {
    String since = ssh(host, "uptime -s").out().strip();
    return java.time.LocalDateTime.parse(since.replace(' ', 'T'))
        .toInstant(java.time.ZoneOffset.UTC);
  }

  private String pooled(String host, String cluster, String service) {
    String value =
        Cli.etcdctl(
                lab,
                "get",
                "--print-value-only",
                "/conftool/v1/pools/eqiad/" + cluster + "/" + service + "/" + host)
            .out();
    return value.replaceAll(".*\"pooled\":\"([a-z]+)\".*", "$1").strip();
  }

  private JsonNode live(String run) {
    return Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run + "/live").json();
  }

  private JsonNode liveStep(String run, String step) {
    for (JsonNode item : live(run).path("services")) {
      if (item.path("service").asText().equals(step)) {
        return item;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
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
}
