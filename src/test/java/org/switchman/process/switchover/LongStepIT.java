package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.lab.Lab;
import org.switchman.lab.LabConfig;
import org.switchman.lab.LabSlots;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * A step that runs longer than a minute runs once: the envoy restart of one old jobrunner is
 * slowed by 70 s in the lab, and the journal of the finished switchover holds exactly one
 * intent and one result for that restart. With a job lock shorter than the step, the engine would
 * acquire the step's job again while it still ran and restart envoy a second time beside the
 * first.
 *
 * <p>The remote command timeout is raised to 100 s so that the slow restart succeeds; the longest
 * step grows with it, and the job lock time with that (the startup check would refuse a lock
 * time below it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "switchman.lab.dir=target/long-step-it-lab",
    "switchman.lab.discovery-ttl=12s",
    "switchman.switchover.catch-up-attempts=8",
    "switchman.switchover.command-timeout=100s",
    "camunda.bpm.job-execution.lock-time-in-millis=6000000"})
@ActiveProfiles("lab")
class LongStepIT {

  private static final LabConfig SLOT = LabSlots.firstFree(slot -> LabConfig.demo(Path.of("x"))
      .relocated(Path.of("x"), "127." + (131 + slot), 12600 + 200 * slot), 5);
  private static final int SLOWER_BY_SECONDS = 70;

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    registry.add("switchman.data-dir", () -> Path.of("target", "test-data",
        "long-step-" + java.util.UUID.randomUUID()).toAbsolutePath().toString());
    registry.add("switchman.lab.loopback-network", SLOT::loopbackNetwork);
    registry.add("switchman.lab.port-offset",
        () -> SLOT.etcdPort() - LabConfig.demo(Path.of("x")).etcdPort());
  }

  @LocalServerPort
  int port;

  @Autowired
  Lab lab;

  @Test
  void anEnvoyRestartLongerThanAMinuteRunsOnceAndTheRunCompletes() {
    SwitchoverRuns runs = new SwitchoverRuns(port);
    Rest admin = Rest.as(port, "admin", "demo");
    String jobrunner = lab.topology().hosts().stream()
        .filter(h -> h.dc().equals("eqiad") && h.cluster().equals("jobrunner")).findFirst()
        .orElseThrow().fqdn();
    Rest.Reply fault = admin.post("/lab/api/faults", "{\"kind\":\"COMMAND_SLOW\",\"host\":\""
        + jobrunner + "\",\"prefix\":\"systemctl restart envoyproxy\",\"seconds\":"
        + SLOWER_BY_SECONDS + "}");
    assertThat(fault.status()).as(fault.body()).isLessThan(300);

    String run = runs.start("eqiad", "codfw", "live");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    SwitchoverRuns.await(() -> !runs.history(run).path("state").asText().equals("ACTIVE"),
        Duration.ofMinutes(5), () -> "run " + run + " to end; open tasks: "
            + admin.get("/engine-rest/task").body());
    assertThat(runs.history(run).path("state").asText()).isEqualTo("COMPLETED");
    assertThat(runs.variable(run, "outcome")).isEqualTo("switched-over");
    assertThat(admin.get("/engine-rest/incident").json().size()).isZero();

    List<JsonNode> restarts = journalOf(run).stream()
        .filter(e -> e.path("target").asText().equals(jobrunner)
            && e.path("action").asText().equals("systemctl restart envoyproxy"))
        .toList();
    assertThat(restarts).extracting(e -> e.path("outcome").asText())
        .as("one intent and one result, in that order").containsExactly("INTENT", "PERFORMED");
    assertThat(restarts.get(1).path("durationMillis").asLong())
        .as("the restart outlasted the old one-minute job lock")
        .isGreaterThanOrEqualTo(SLOWER_BY_SECONDS * 1000L);
  }

  private List<JsonNode> journalOf(String run) {
    JsonNode report = Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json();
    List<JsonNode> list = new ArrayList<>();
    report.path("journal").forEach(list::add);
    assertThat(list).as(report.toString()).isNotEmpty();
    return list;
  }
}
