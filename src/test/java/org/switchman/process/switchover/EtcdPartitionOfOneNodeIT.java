package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchman.config.JournalKey;
import org.switchman.lab.LabTcpProxy;
import org.switchman.support.ChildApp;
import org.switchman.support.ClusterNodes;
import org.switchman.support.JournalAssertions;
import org.switchman.support.LabWorld;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;
import org.switchman.support.ThrowawayPostgres;

/**
 * Two nodes on one PostgreSQL and one lab, node A reaching etcd through a proxy of its own. While a
 * live switchover waits at its first gate, A is cut off from etcd for longer than two leases of the
 * run's lock: A notices (its lock keeper cannot keep the run's lock), B keeps renewing the run's
 * lease (the lock belongs to the run, not to a node), so the lock stays listed and a second start
 * is refused throughout; A still beats to PostgreSQL, so B releases none of its jobs. Once the
 * partition heals the run goes on, on both nodes, and ends switched over.
 */
class EtcdPartitionOfOneNodeIT extends CrashResumeCase {

  private ThrowawayPostgres postgres;
  private LabTcpProxy etcdOfNodeA;
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
      if (etcdOfNodeA != null) {
        etcdOfNodeA.close();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  void aNodeCutOffFromEtcdNeitherLosesTheRunsLockNorHasItsJobsTakenOver() throws Exception {
    postgres = ThrowawayPostgres.start();
    Path journalKey = Files.createTempDirectory(Path.of("target"), "cluster-").resolve("key");
    JournalKey.generate(journalKey);
    Map<String, String> settings =
        Map.of(
            "switchman.switchover.catch-up-attempts",
            "8",
            "switchman.etcd.lock-ttl",
            LOCK_TTL.toSeconds() + "s");
    // node A's own way to etcd: a copy of lab.env, beside it, naming a proxy that can be cut
    Path labEnv = lab.config().envFile();
    int etcdPort = URI.create(lab.etcdEndpoint()).getPort();
    int proxyPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      proxyPort = socket.getLocalPort();
    }
    etcdOfNodeA = new LabTcpProxy("etcd-of-node-a", proxyPort, () -> etcdPort);
    Path envOfNodeA = labEnv.resolveSibling("lab-node-a.env");
    Files.writeString(
        envOfNodeA,
        Files.readString(labEnv, StandardCharsets.UTF_8)
            .replace(lab.etcdEndpoint(), "http://127.0.0.1:" + proxyPort));
    Map<String, String> settingsOfA = new java.util.HashMap<>(settings);
    settingsOfA.put("switchman.lab.env-file", envOfNodeA.toString());
    nodeA = ClusterNodes.node(lab, postgres, journalKey, "node-a", settingsOfA);
    nodeB = ClusterNodes.node(lab, postgres, journalKey, "node-b", settings);
    nodeA.start(Map.of());
    nodeB.start(Map.of());
    nodeA.awaitHealthy(START_LIMIT);
    nodeB.awaitHealthy(START_LIMIT);

    String dcFrom = world.primary();
    String dcTo = LabWorld.other(dcFrom);
    Map<String, String> before = world.state();
    app = nodeB;
    SwitchoverRuns runs = new SwitchoverRuns(nodeB.port());
    String run = runs.start(dcFrom, dcTo, "live");
    JsonNode gate = runs.awaitTask("UserTask_GoNoGo");

    etcdOfNodeA.partition(true);
    Instant cutOff = Instant.now();
    try {
      while (Duration.between(cutOff, Instant.now())
              .compareTo(LOCK_TTL.multipliedBy(2).plusSeconds(5))
          < 0) {
        lockHeldAndSecondStartRefused(run);
        sleep(1000);
      }
    } finally {
      etcdOfNodeA.partition(false);
    }
    assertThat(nodeA.logTail(2000))
        .as("node A noticed it cannot keep the run's lock")
        .contains("Could not keep the lock dc-switchover");
    assertThat(postgres.count("SELECT COUNT(*) FROM switchman_node WHERE released_at IS NOT NULL"))
        .as("node A kept beating: none of its jobs released")
        .isZero();

    decide(runs, gate, "bob", "GO");
    decide(runs, runs.awaitTask("UserTask_FinalGoNoGo"), "dave", "GO");
    runs.awaitEnd(run);

    assertThat(runs.variable(run, "outcome")).isEqualTo("switched-over");
    JournalAssertions journal = new JournalAssertions(nodeB.port());
    journal.hold(run, entry -> false);
    assertThat(journal.journal(run)).noneMatch(e -> e.kind().equals("FAILOVER"));
    world.verifySwitchedTo(dcTo, dcFrom, before);
    assertThat(lockProblems).as("the run's lock while node A was cut off").isEmpty();
    assertThat(Rest.as(nodeA.port(), "admin", "demo").get("/actuator/health").status())
        .isEqualTo(200);
  }
}
