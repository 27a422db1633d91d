package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchman.config.JournalKey;
import org.switchman.crash.CrashPoint;
import org.switchman.support.ChildApp;
import org.switchman.support.ClusterNodes;
import org.switchman.support.JournalAssertions;
import org.switchman.support.LabWorld;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;
import org.switchman.support.ThrowawayPostgres;

/**
 * Two nodes on one PostgreSQL ({@link ThrowawayPostgres}) and one lab, each node a child JVM with
 * its job executor on. They start at the same instant on the empty database: the starts are taken
 * one after the other, and the runbooks, users and node rows exist once. Then a live switchover
 * runs on both; whichever node first reaches the change that puts MediaWiki read-only (phase 3)
 * halts there, as kill -9 would. The other node releases the dead node's jobs within 60 s of its
 * death (journaled as {@code FAILOVER}), runs the step again and finishes the switchover: the
 * journal's checks hold, the site is switched over, the run's lock stayed listed and a second start
 * was refused throughout.
 */
class ClusterFailoverIT extends CrashResumeCase {

  private static final String PHASE_3 = "ServiceTask_SetMediaWikiReadOnly:PERFORMED:1";
  private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(60);

  private ThrowawayPostgres postgres;
  private ChildApp nodeA;
  private ChildApp nodeB;

  @AfterEach
  void stopNodesAndDatabase() {
    try {
      for (ChildApp node : new ChildApp[] {nodeA, nodeB}) {
        if (node != null) {
          node.close();
        }
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  void nodesStartTogetherAndTheSurvivorFinishesTheSwitchoverOfAKilledNode() throws Exception {
    postgres = ThrowawayPostgres.start();
    Path shared = Files.createTempDirectory(Path.of("target"), "cluster-");
    Path journalKey = shared.resolve("journal.key");
    JournalKey.generate(journalKey);
    Path claim = shared.resolve("crash-point-claimed");
    nodeA = node("node-a", journalKey, claim);
    nodeB = node("node-b", journalKey, claim);

    // S2: both at the same instant on an empty database
    nodeA.start(Map.of());
    nodeB.start(Map.of());
    nodeA.awaitHealthy(START_LIMIT);
    nodeB.awaitHealthy(START_LIMIT);
    assertThat(count("SELECT COUNT(*) FROM act_re_deployment")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM switchman_journal WHERE kind = 'DEPLOYMENT'"))
        .isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM act_id_user")).isEqualTo(users(nodeA));
    assertThat(users(nodeA)).isEqualTo(users(nodeB)).isGreaterThan(3);
    assertThat(
            count(
                "SELECT COUNT(*) FROM (SELECT group_id_, user_id_ FROM act_id_membership"
                    + " GROUP BY group_id_, user_id_ HAVING COUNT(*) > 1) d"))
        .isZero();
    assertThat(count("SELECT COUNT(*) FROM switchman_node WHERE NOT stopped")).isEqualTo(2);
    assertThat(nodeA.logTail(2000) + nodeB.logTail(2000))
        .as("one start waited for the other")
        .contains("Another node is starting on this database");

    // S1: a switchover on both nodes; the one that puts MediaWiki read-only dies there
    String dcFrom = world.primary();
    String dcTo = LabWorld.other(dcFrom);
    Map<String, String> before = world.state();
    app = nodeA;
    String run =
        new SwitchoverRuns(nodeA.port())
            .start(dcFrom, dcTo, "live", Map.of("readOnlyBudget", "PT3M"));
    ChildApp dead = null;
    Instant died = null;
    Instant failedOver = null;
    Instant deadline = Instant.now().plus(RUN_LIMIT);
    while (true) {
      assertThat(Instant.now()).as("run " + run + " ends; " + diagnostics()).isBefore(deadline);
      if (dead == null) {
        for (ChildApp node : List.of(nodeA, nodeB)) {
          if (!node.alive()) {
            died = Instant.now();
            dead = node;
            app = node == nodeA ? nodeB : nodeA;
          }
        }
      }
      assertThat(app.alive()).as("the survivor lives; its log:\n" + app.logTail(60)).isTrue();
      SwitchoverRuns runs = new SwitchoverRuns(app.port());
      try {
        if (!runs.history(run).path("state").asText().equals("ACTIVE")) {
          break;
        }
        lockHeldAndSecondStartRefused(run);
        if (dead != null && failedOver == null && failoverJournaled(run, dead)) {
          failedOver = Instant.now();
        }
        JsonNode tasks =
            Rest.as(app.port(), "admin", "demo")
                .get("/engine-rest/task?processInstanceId=" + run)
                .json();
        if (tasks.size() > 0) {
          goOrTick(runs, tasks.get(0));
        }
      } catch (UncheckedIOException | IllegalStateException nodeWentDown) {
        if (dead != null || !app.dies(Duration.ofSeconds(10))) {
          throw nodeWentDown;
        }
        continue; // the node asked was the one that died: the next round asks the other
      }
      sleep(500);
    }

    assertThat(dead).as("a node died at the crash point").isNotNull();
    assertThat(dead.exitValue()).isEqualTo(CrashPoint.EXIT_STATUS);
    assertThat(dead.logTail(400)).contains("CRASH POINT " + PHASE_3);
    String deadName = dead == nodeA ? "node-a" : "node-b";
    if (failedOver == null && failoverJournaled(run, dead)) {
      failedOver = Instant.now();
    }
    assertThat(failedOver).as("the dead node's jobs were taken over").isNotNull();
    Duration failover = Duration.between(died, failedOver);
    System.out.printf(
        "cluster failover: %s's jobs taken over %d ms after its death%n",
        deadName, failover.toMillis());
    assertThat(failover).isLessThanOrEqualTo(FAILOVER_LIMIT);

    SwitchoverRuns runs = new SwitchoverRuns(app.port());
    assertThat(Rest.as(app.port(), "admin", "demo").get("/engine-rest/incident").json()).isEmpty();
    assertThat(runs.history(run).path("state").asText()).isEqualTo("COMPLETED");
    assertThat(runs.variable(run, "outcome")).isEqualTo("switched-over");
    new JournalAssertions(app.port()).hold(run, entry -> false);
    world.verifySwitchedTo(dcTo, dcFrom, before);
    assertThat(lockProblems).as("the run's lock while it lived").isEmpty();
  }

  /** Whether the survivor journaled taking over a job of the dead node for the run. */
  private boolean failoverJournaled(String run, ChildApp dead) {
    String deadName = dead == nodeA ? "node-a" : "node-b";
    return new JournalAssertions(app.port())
        .journal(run).stream()
            .anyMatch(e -> e.kind().equals("FAILOVER") && e.target().equals("node/" + deadName));
  }

  private ChildApp node(String name, Path journalKey, Path claim) {
    return ClusterNodes.node(
        lab,
        postgres,
        journalKey,
        name,
        Map.of(
            "switchman.switchover.catch-up-attempts",
            "8",
            CrashPoint.PROPERTY,
            PHASE_3,
            CrashPoint.CLAIM_PROPERTY,
            claim.toString()));
  }

  private static long users(ChildApp node) {
    return Rest.as(node.port(), "admin", "demo")
        .get("/engine-rest/user/count")
        .json()
        .path("count")
        .asLong();
  }

  private long count(String sql) {
    return postgres.count(sql);
  }
}
