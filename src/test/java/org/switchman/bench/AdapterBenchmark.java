package org.switchman.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.switchman.audit.InMemoryJournal;
import org.switchman.config.DbProperties;
import org.switchman.config.DnsProperties;
import org.switchman.config.EtcdProperties;
import org.switchman.config.SshProperties;
import org.switchman.infra.Mutations;
import org.switchman.infra.dns.DnsJavaDiscovery;
import org.switchman.infra.etcd.EtcdConftool;
import org.switchman.infra.etcd.EtcdRunbookLock;
import org.switchman.infra.etcd.EtcdStore;
import org.switchman.infra.mysql.MariaDbMasters;
import org.switchman.infra.ssh.SshRemoteExecutor;
import org.switchman.lab.Lab;
import org.switchman.lab.LabConfig;
import org.switchman.lab.LabTopology;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.RunbookLock;
import org.switchman.runbook.port.Versioned;

/**
 * Per-operation latencies of the adapters against a lab of its own (127.52/16, demo ports + 4400),
 * run by {@code scripts/bench adapters}. Mutations go through the real choke point with an
 * in-memory journal. Prints one line per figure, with its target where it has one.
 */
public final class AdapterBenchmark {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final RunContext RUN =
      new RunContext("bench", "ServiceTask_Bench", "bench", ExecutionMode.LIVE, "eqiad");

  private AdapterBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path buildDir = Path.of(args.length > 0 ? args[0] : "target");
    LabConfig config =
        LabConfig.forTests(buildDir).relocated(buildDir.resolve("adapter-bench"), "127.52", 4400);
    try (Lab lab = Lab.start(config)) {
      Mutations mutations = new Mutations(new InMemoryJournal());
      ssh(lab, mutations);
      etcd(lab, mutations);
      dns(lab, mutations);
      lockdown(lab, mutations);
    }
  }

  private static SshProperties sshSettings(Lab lab) {
    return new SshProperties(
        lab.sshUser(),
        lab.clientKeyFile(),
        lab.knownHostsFile(),
        lab.hostsFile(),
        lab.sshPort(),
        Duration.ofSeconds(3),
        TIMEOUT,
        64,
        65536);
  }

  private static void ssh(Lab lab, Mutations mutations) throws Exception {
    List<Double> fresh = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      try (SshRemoteExecutor ssh = new SshRemoteExecutor(sshSettings(lab), mutations)) {
        long t = System.nanoTime();
        ssh.query("mw1001.eqiad.wmnet", "true", TIMEOUT);
        fresh.add(millisSince(t));
      }
    }
    print("ssh.fresh_connection.median_ms", Median.of(fresh), null);
    try (SshRemoteExecutor ssh = new SshRemoteExecutor(sshSettings(lab), mutations)) {
      ssh.query("mw1001.eqiad.wmnet", "true", TIMEOUT);
      List<Double> reused = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        long t = System.nanoTime();
        ssh.query("mw1001.eqiad.wmnet", "true", TIMEOUT);
        reused.add(millisSince(t));
      }
      double median = Median.of(reused);
      print(
          "ssh.reused_connection.median_ms",
          median,
          String.format(Locale.ROOT, "target <= 15 ms: %s", median <= 15 ? "met" : "MISSED"));
    }
    List<String> hosts =
        lab.topology().hosts().stream().map(LabTopology.Host::fqdn).limit(50).toList();
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try (SshRemoteExecutor ssh = new SshRemoteExecutor(sshSettings(lab), mutations)) {
      long t = System.nanoTime();
      CompletableFuture.allOf(
              hosts.stream()
                  .map(h -> CompletableFuture.runAsync(() -> ssh.query(h, "true", TIMEOUT), pool))
                  .toArray(CompletableFuture[]::new))
          .join();
      print("ssh.50_hosts_fresh.wall_ms", millisSince(t), null);
      t = System.nanoTime();
      CompletableFuture.allOf(
              hosts.stream()
                  .map(h -> CompletableFuture.runAsync(() -> ssh.query(h, "true", TIMEOUT), pool))
                  .toArray(CompletableFuture[]::new))
          .join();
      print("ssh.50_hosts_reused.wall_ms", millisSince(t), null);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void etcd(Lab lab, Mutations mutations) {
    try (EtcdStore store =
        new EtcdStore(new EtcdProperties(List.of(lab.etcdEndpoint()), TIMEOUT, null))) {
      EtcdConftool conftool = new EtcdConftool(store, mutations);
      List<Double> times = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Versioned<Conftool.PoolEntry> entry =
            conftool.poolEntry("codfw", "appserver", "apache2", "mw2001.codfw.wmnet").orElseThrow();
        long t = System.nanoTime();
        conftool.setPoolEntry(
            RUN, entry, entry.value().pooled(), entry.value().weight() == 30 ? 31 : 30);
        times.add(millisSince(t));
      }
      print("etcd.cas_write_with_readback.median_ms", Median.of(times), null);
      lockListing(store);
    }
  }

  /**
   * The lock table's read ({@link EtcdRunbookLock#locks()}: every lock with its lease's time to
   * live) while a run holds a lock per host of a thousand hosts, as a rolling restart of the lab's
   * 1,000-host fleet does.
   */
  private static void lockListing(EtcdStore store) {
    int count = 1_000;
    try (EtcdRunbookLock locks = new EtcdRunbookLock(store)) {
      RunbookLock.Holder holder = new RunbookLock.Holder("bench-run", "bench", Instant.now());
      for (int i = 0; i < count; i++) {
        locks.acquire("host", "bench" + i + ".eqiad.wmnet", holder, 1, Duration.ofSeconds(60));
      }
      List<Double> times = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long t = System.nanoTime();
        int listed = locks.locks().size();
        times.add(millisSince(t));
        if (listed != count) {
          throw new IllegalStateException("listed " + listed + " locks of " + count);
        }
      }
      print("etcd.lock_listing.1000_locks.median_ms", Median.of(times), null);
      for (int i = 0; i < count; i++) {
        locks.release("host", "bench" + i + ".eqiad.wmnet", holder.runId());
      }
    }
  }

  private static void dns(Lab lab, Mutations mutations) {
    DnsJavaDiscovery dns =
        new DnsJavaDiscovery(
            new DnsProperties(
                lab.dnsServer(), lab.dnsPort(), "discovery.wmnet", lab.tsigKeyFile(), TIMEOUT),
            mutations);
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      DnsDiscovery.DiscoveryRecord record = dns.read("api-rw");
      long t = System.nanoTime();
      dns.setTtl(RUN, record, record.ttlSeconds() == 10 ? 30 : 10);
      times.add(millisSince(t));
    }
    DnsDiscovery.DiscoveryRecord last = dns.read("api-rw");
    if (last.ttlSeconds() != 30) {
      dns.setTtl(RUN, last, 30);
    }
    print("dns.signed_update_with_readback.median_ms", Median.of(times), null);
  }

  private static void lockdown(Lab lab, Mutations mutations) throws Exception {
    Path password = Files.createTempFile(lab.config().labDir(), "db", ".pw");
    Files.writeString(password, lab.mysqlAdminPassword());
    Map<String, String> endpoints = new HashMap<>();
    for (String section : lab.topology().sections()) {
      for (String dc : LabTopology.DATACENTERS) {
        endpoints.put(section + "." + dc, "127.0.0.1:" + lab.mysqlPort(section, dc));
      }
    }
    MariaDbMasters masters =
        new MariaDbMasters(
            new DbProperties(
                lab.mysqlAdminUser(), password, lab.topology().sections(), endpoints, null, null),
            mutations);
    List<String> sections = lab.topology().sections();
    double slowest = 0;
    for (String section : sections) {
      long t = System.nanoTime();
      masters.setReadOnly(RUN, section, "eqiad", true);
      slowest = Math.max(slowest, millisSince(t));
      masters.setReadOnly(RUN, section, "eqiad", false);
    }
    ExecutorService pool = Executors.newFixedThreadPool(sections.size());
    try {
      long t = System.nanoTime();
      CompletableFuture.allOf(
              sections.stream()
                  .map(
                      s ->
                          CompletableFuture.runAsync(
                              () -> masters.setReadOnly(RUN, s, "eqiad", true), pool))
                  .toArray(CompletableFuture[]::new))
          .join();
      double parallel = millisSince(t);
      print("db.read_only.slowest_single_section_ms", slowest, null);
      print("db.read_only." + sections.size() + "_sections_parallel_ms", parallel, null);
      double ratio = parallel / slowest;
      print(
          "db.read_only.parallel_over_slowest_ratio",
          ratio,
          String.format(Locale.ROOT, "target <= 1.5: %s", ratio <= 1.5 ? "met" : "MISSED"));
    } finally {
      for (String section : sections) {
        masters.setReadOnly(RUN, section, "eqiad", false);
      }
      pool.shutdownNow();
      Files.deleteIfExists(password);
    }
  }

  private static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  private static void print(String name, double value, String note) {
    System.out.printf(
        Locale.ROOT, "%-46s %9.2f%s%n", name, value, note == null ? "" : "   (" + note + ")");
  }
}
