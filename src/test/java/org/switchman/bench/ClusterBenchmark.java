package org.switchman.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchman.config.JournalKey;
import org.switchman.lab.Lab;
import org.switchman.lab.LabConfig;
import org.switchman.lab.LabSlots;
import org.switchman.support.ChildApp;
import org.switchman.support.ClusterNodes;
import org.switchman.support.Rest;
import org.switchman.support.ThrowawayPostgres;

/**
 * {@code scripts/bench cluster}: the throughput of one node against two on one PostgreSQL, and the
 * failover time of a killed node. A lab of {@code -Dbench.fleet} hosts (300 by default) and a
 * throwaway PostgreSQL run in this JVM; the nodes are child JVMs ({@link ChildApp}).
 *
 * <p>The load: a dry-run rolling restart of every service of the catalogue that needs no approval
 * and has hosts of its own (nine services, so eighteen runs with both datacenters), all started at
 * once, with the catalogue's grace and pause set to nothing so that the engine's work, not the
 * timers, sets the pace. Three rounds: on node A alone; on A and B (the starts alternating between
 * them); on A and B again, with B killed (SIGKILL) ten seconds in. Prints the wall times, the
 * throughput ratio (target at least 1.6) and the failover time, from the kill to the release of B's
 * jobs by A (target at most 60 s).
 */
public final class ClusterBenchmark {

  private static final List<String> SERVICES =
      List.of(
          "appserver",
          "api_appserver",
          "jobrunner",
          "videoscaler",
          "parsoid",
          "mw-cron",
          "mw-dumps",
          "aqs",
          "etcd");

  private static final int FLEET = Integer.getInteger("bench.fleet", 300);
  private static final Duration START_LIMIT = Duration.ofMinutes(4);
  private static final Duration ROUND_LIMIT = Duration.ofMinutes(30);

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args.length > 0 ? args[0] : "target").toAbsolutePath();
    Path labDir = target.resolve("bench-cluster-lab");
    LabConfig config =
        LabSlots.firstFree(
            slot ->
                LabConfig.forTests(target)
                    .relocated(labDir, "127." + (140 + slot), 13000 + 200 * slot)
                    .withFleetSize(FLEET),
            5);
    Path shared = Files.createTempDirectory(target, "bench-cluster-");
    ChildApp nodeA = null;
    ChildApp nodeB = null;
    try (Lab lab = Lab.start(config);
        ThrowawayPostgres postgres = ThrowawayPostgres.start()) {
      JournalKey.generate(shared.resolve("journal.key"));
      nodeA = ClusterNodes.node(lab, postgres, shared.resolve("journal.key"), "node-a", Map.of());
      nodeB = ClusterNodes.node(lab, postgres, shared.resolve("journal.key"), "node-b", Map.of());
      nodeA.startAndAwaitHealthy(Map.of(), START_LIMIT);
      deployBenchCatalogue(nodeA, shared);
      System.out.printf(
          "cluster benchmark: %d hosts, %d runs a round (%s, both datacenters), dry-run%n",
          FLEET, SERVICES.size() * 2, String.join(", ", SERVICES));

      Duration one = round("one node", List.of(nodeA), null);
      nodeB.startAndAwaitHealthy(Map.of(), START_LIMIT);
      Duration two = round("two nodes", List.of(nodeA, nodeB), null);
      Duration[] failover = new Duration[1];
      Duration killed =
          round(
              "two nodes, B killed after 10 s",
              List.of(nodeA, nodeB),
              new Kill(nodeB, postgres, failover));

      System.out.printf(
          "== cluster benchmark (%d cores) ==%n", Runtime.getRuntime().availableProcessors());
      System.out.printf("one node          %6.1f s%n", one.toMillis() / 1000.0);
      System.out.printf("two nodes         %6.1f s%n", two.toMillis() / 1000.0);
      System.out.printf(
          "throughput ratio  %6.2f (two nodes against one; target >= 1.6)%n",
          (double) one.toMillis() / two.toMillis());
      System.out.printf(
          "B killed          %6.1f s for the round; B's jobs released by A %.1f s after the kill"
              + " (target <= 60 s)%n",
          killed.toMillis() / 1000.0,
          failover[0] == null ? Double.NaN : failover[0].toMillis() / 1000.0);
    } finally {
      for (ChildApp node : new ChildApp[] {nodeA, nodeB}) {
        if (node != null) {
          node.close();
        }
      }
    }
  }

  /** Kills a node some seconds into a round and measures until the others release its jobs. */
  private record Kill(ChildApp node, ThrowawayPostgres postgres, Duration[] failover) {}

  /**
   * Starts every run at once, the starts shared out among the nodes in turn, and waits until all
   * have ended.
   *
   * @return the wall time from the first start to the last end
   */
  private static Duration round(String name, List<ChildApp> nodes, Kill kill) throws Exception {
    Instant t0 = Instant.now();
    List<String> runs = new ArrayList<>();
    int i = 0;
    for (String service : SERVICES) {
      for (String dc : List.of("eqiad", "codfw")) {
        ChildApp node = nodes.get(i++ % nodes.size());
        Rest.Reply started = start(node, service, dc);
        if (started.status() != 200) {
          throw new IllegalStateException(
              name + ": the start of " + service + " in " + dc + " got " + started.body());
        }
        runs.add(started.json().path("id").asText());
      }
    }
    ChildApp survivor = nodes.get(0);
    Instant killedAt = null;
    Instant deadline = t0.plus(ROUND_LIMIT);
    while (true) {
      if (kill != null && killedAt == null && Instant.now().isAfter(t0.plusSeconds(10))) {
        killedAt = kill.node().kill();
      }
      if (kill != null && killedAt != null && kill.failover()[0] == null) {
        if (released(kill.postgres(), "node-b")) {
          kill.failover()[0] = Duration.between(killedAt, Instant.now());
        }
      }
      long active = 0;
      for (String run : runs) {
        String state =
            Rest.as(survivor.port(), "admin", "demo")
                .get("/engine-rest/history/process-instance/" + run)
                .json()
                .path("state")
                .asText();
        if (state.equals("ACTIVE")) {
          active++;
        } else if (!state.equals("COMPLETED")) {
          throw new IllegalStateException(name + ": run " + run + " ended " + state);
        }
      }
      if (active == 0) {
        break;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(name + ": " + active + " runs still active");
      }
      Thread.sleep(500);
    }
    Duration wall = Duration.between(t0, Instant.now());
    long incidents =
        Rest.as(survivor.port(), "admin", "demo")
            .get("/engine-rest/incident/count")
            .json()
            .path("count")
            .asLong();
    System.out.printf(
        "%-32s %6.1f s for %d runs, %d incidents%n",
        name, wall.toMillis() / 1000.0, runs.size(), incidents);
    return wall;
  }

  private static Rest.Reply start(ChildApp node, String service, String dc) {
    Map<String, Object> values = new HashMap<>();
    values.put("service", service);
    values.put("dc", dc);
    values.put("hosts", "");
    values.put("action", "restart");
    values.put("mode", "dry-run");
    values.put("reason", "cluster benchmark");
    values.put("ticket", "T0");
    for (int attempt = 1; ; attempt++) {
      Rest.Reply reply =
          Rest.as(node.port(), "alice", "demo")
              .post(
                  "/engine-rest/process-definition/key/rolling-restart/start",
                  Rest.variables(values));
      if (reply.status() != 503 || attempt == 4) {
        return reply;
      }
      sleep(1000);
    }
  }

  /** Whether the survivors have released the node's jobs. */
  private static boolean released(ThrowawayPostgres postgres, String node) {
    return postgres.count(
            "SELECT COUNT(*) FROM switchman_node WHERE name = '"
                + node
                + "' AND released_at IS NOT NULL")
        > 0;
  }

  /**
   * The shipped catalogue with every grace and pause at nothing, deployed by the administrator as a
   * designer (in the lab, designers deploy).
   */
  private static void deployBenchCatalogue(ChildApp node, Path shared) throws Exception {
    String dmn;
    try (InputStream in = Files.newInputStream(Path.of("processes/service-catalogue.dmn"))) {
      dmn = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher waits =
        Pattern.compile("(OutputEntry_\\w+_(?:Grace|Pause)\">\\s*<text>)&quot;PT\\w+&quot;")
            .matcher(dmn);
    String bench = waits.replaceAll("$1&quot;PT0S&quot;");
    Path file = shared.resolve("service-catalogue.dmn");
    Files.writeString(file, bench);
    Rest admin = Rest.as(node.port(), "admin", "demo");
    admin.put("/engine-rest/group/designers/members/admin");
    Rest.Reply deployed =
        admin.postMultipart(
            "/engine-rest/deployment/create",
            Map.of("deployment-name", "bench-service-catalogue", "data", file));
    if (deployed.status() != 200) {
      throw new IllegalStateException("the bench catalogue was refused: " + deployed.body());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
