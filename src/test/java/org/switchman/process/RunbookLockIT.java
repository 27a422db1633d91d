package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.support.AppLabSlot;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * The runbook lock of a live switchover against the lab's real etcd, with a short lease ({@code
 * switchman.etcd.lock-ttl=10s}): the lease is the configured one, and a partition from etcd longer
 * than the lease does not let a second run in once etcd answers again, while the first run goes on
 * to the end.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "switchman.lab.dir=target/runbook-lock-it-lab",
      "switchman.etcd.lock-ttl=10s",
      "switchman.switchover.catch-up-attempts=8"
    })
@ActiveProfiles("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunbookLockIT {

  private static final AppLabSlot SLOT = AppLabSlot.firstFree(111, 11200, List.of("s1"));
  private static final Duration LOCK_TTL = Duration.ofSeconds(10);

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.register(registry, "runbook-lock");
  }

  @LocalServerPort int port;

  private SwitchoverRuns runs;
  private Rest admin;

  @BeforeEach
  void driver() {
    runs = new SwitchoverRuns(port);
    admin = Rest.as(port, "admin", "demo");
  }

  /** A failed test leaves no fault and no run behind to hold the lock for the next. */
  @AfterEach
  void clearFaultsAndRuns() {
    admin.delete("/lab/api/faults");
    for (JsonNode run :
        admin.get("/engine-rest/process-instance?processDefinitionKey=dc-switchover").json()) {
      admin.delete("/engine-rest/process-instance/" + run.path("id").asText());
    }
  }

  @Test
  @Order(1)
  void theLeaseIsTheConfiguredLockTtl() {
    String run = runs.start("eqiad", "codfw", "dry-run");
    runs.awaitTask("UserTask_GoNoGo");
    JsonNode row = lockOf(run);
    assertThat(row)
        .as("the lock table lists the run: " + admin.get("/switchman/api/locks").body())
        .isNotNull();
    assertThat(row.path("status").asText()).isEqualTo("held");
    Duration ttl = duration(row.path("ttl"));
    assertThat(ttl).isPositive().isLessThanOrEqualTo(LOCK_TTL);
  }

  @Test
  @Order(2)
  void aPartitionLongerThanTheLeaseLetsNoSecondRunInAndTheFirstGoesOn() throws Exception {
    String first = runs.start("eqiad", "codfw", "live");
    runs.approve(first, "UserTask_GoNoGo", "bob");
    runs.awaitTask("UserTask_FinalGoNoGo");
    assertThat(lockOf(first)).isNotNull();

    String partition =
        admin.post("/lab/api/faults", "{\"kind\":\"ETCD_PARTITION\"}").json().path("id").asText();
    try {
      // etcd's clock runs on: the lease expires while the node cannot renew it
      Thread.sleep(LOCK_TTL.plusSeconds(8).toMillis());
    } finally {
      admin.delete("/lab/api/faults/" + partition);
    }
    // the lock store answers again (the application's etcd client reconnects within seconds)
    SwitchoverRuns.await(
        () -> admin.get("/switchman/api/locks").status() == 200,
        Duration.ofSeconds(30),
        () -> "the lock table after the partition healed");
    Rest.Reply second = runs.tryStart("eqiad", "codfw", "dry-run");
    assertThat(second.status()).as(second.body()).isEqualTo(409);
    assertThat(second.body()).contains("locked by run " + first + " of alice");
    JsonNode row = lockOf(first);
    assertThat(row).as(admin.get("/switchman/api/locks").body()).isNotNull();
    assertThat(row.path("status").asText()).isEqualTo("held");
    assertThat(lockEvents(first, "RETAKEN"))
        .as("the lock lapsed and was taken back for the run")
        .isNotEmpty();
    assertThat(admin.get("/engine-rest/process-instance?processDefinitionKey=dc-switchover").json())
        .as("only the first run exists")
        .hasSize(1);

    runs.approve(first, "UserTask_FinalGoNoGo", "dave");
    runs.awaitEnd(first);
    assertThat(runs.variable(first, "outcome")).isEqualTo("switched-over");
    // released right after the run's end commits
    SwitchoverRuns.await(
        () -> lockOf(first) == null,
        Duration.ofSeconds(10),
        () -> "the lock released at the run's end: " + admin.get("/switchman/api/locks").body());
  }

  private JsonNode lockOf(String run) {
    for (JsonNode row : admin.get("/switchman/api/locks").json()) {
      if (row.path("runId").asText().equals(run)) {
        return row;
      }
    }
    return null;
  }

  private List<String> lockEvents(String run, String outcome) {
    List<String> found = new ArrayList<>();
    for (JsonNode entry : admin.get("/switchman/api/runs/" + run).json().path("journal")) {
      if (entry.path("kind").asText().equals("LOCK")
          && entry.path("outcome").asText().equals(outcome)) {
        found.add(entry.path("step").asText());
      }
    }
    return found;
  }

  /** A duration as the API writes it: ISO-8601 text or seconds. */
  private static Duration duration(JsonNode value) {
    if (value.isTextual() && value.asText().startsWith("P")) {
      return Duration.parse(value.asText());
    }
    BigDecimal seconds = new BigDecimal(value.asText());
    return Duration.ofMillis(seconds.movePointRight(3).longValue());
  }
}
