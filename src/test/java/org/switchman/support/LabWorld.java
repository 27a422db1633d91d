package org.switchman.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.switchman.lab.Cli;
import org.switchman.lab.Lab;
import org.switchman.lab.LabTopology;

/**
 * The site in a lab as the real clients see it (etcdctl, dig, mysql, ssh), never through
 * Switchman's own adapters: what a switchover must leave behind, and what a rolled-back one must
 * leave unchanged.
 */
public final class LabWorld {

  private static final List<String> SERVICES = LabTopology.MEDIAWIKI_SERVICES;

  /** Reads the state's values side by side; daemon threads, so they never keep a JVM alive. */
  private static final ExecutorService READERS =
      Executors.newFixedThreadPool(
          6,
          task -> {
            Thread thread = new Thread(task, "lab-world-reader");
            thread.setDaemon(true);
            return thread;
          });

  private final Lab lab;

  public LabWorld(Lab lab) {
    this.lab = lab;
  }

  /** The datacenter that {@code WMFMasterDatacenter} names now. */
  public String primary() {
    String value = etcd("/conftool/v1/mediawiki-config/common/WMFMasterDatacenter");
    for (String dc : LabTopology.DATACENTERS) {
      if (value.contains("\"" + dc + "\"")) {
        return dc;
      }
    }
    throw new AssertionError("WMFMasterDatacenter names no datacenter: " + value);
  }

  public static String other(String dc) {
    return LabTopology.DATACENTERS.stream().filter(d -> !d.equals(dc)).findFirst().orElseThrow();
  }

  /**
   * Everything a switchover changes or must restore, by name. The values are read side by side
   * (each is its own client process: about 45 of them with eleven sections), then listed in a fixed
   * order.
   */
  public Map<String, String> state() {
    Map<String, Supplier<String>> reads = new LinkedHashMap<>();
    reads.put(
        "WMFMasterDatacenter",
        () -> etcd("/conftool/v1/mediawiki-config/common/WMFMasterDatacenter"));
    for (String dc : LabTopology.DATACENTERS) {
      reads.put("ReadOnly " + dc, () -> etcd("/conftool/v1/mediawiki-config/" + dc + "/ReadOnly"));
      for (String service : SERVICES) {
        reads.put(
            "discovery " + service + " " + dc,
            () -> etcd("/conftool/v1/discovery/" + service + "/" + dc));
      }
      for (String section : lab.topology().sections()) {
        reads.put(
            "read_only " + section + " " + dc, () -> sql(section, dc, "SELECT @@global.read_only"));
      }
    }
    for (String host : maintenanceHosts()) {
      reads.put("mw-cron " + host, () -> ssh(host, "systemctl is-active mw-cron"));
      reads.put("puppet " + host, () -> ssh(host, "puppet-enabled"));
    }
    for (String service : SERVICES) {
      reads.put("dns " + service, () -> dns(service));
    }
    reads.put("scap lock", this::scapLock);
    Map<String, CompletableFuture<String>> pending = new LinkedHashMap<>();
    reads.forEach((name, read) -> pending.put(name, CompletableFuture.supplyAsync(read, READERS)));
    Map<String, String> state = new LinkedHashMap<>();
    try {
      pending.forEach((name, value) -> state.put(name, value.join()));
    } catch (CompletionException failed) {
      // a failed read's own assertion, as if it had been read here
      if (failed.getCause() instanceof Error error) {
        throw error;
      }
      throw failed;
    }
    return state;
  }

  private List<String> maintenanceHosts() {
    return lab.topology().hosts().stream()
        .filter(h -> h.cluster().equals("maintenance"))
        .map(LabTopology.Host::fqdn)
        .toList();
  }

  /**
   * The site served from {@code dcTo}: {@code WMFMasterDatacenter} on it, ReadOnly off in both
   * datacenters, discovery pooled there only, DNS on it with the lab's TTL, its masters writable
   * and those of {@code dcFrom} read-only.
   */
  public void verifyServedFrom(String dcTo, String dcFrom) {
    Map<String, String> now = state();
    assertServedFrom(now, dcTo, dcFrom);
    for (String service : SERVICES) {
      assertThat(now.get("dns " + service))
          .as("DNS of " + service)
          .isEqualTo(
              lab.config().discoveryTtl().toSeconds() + " " + service + ".svc." + dcTo + ".wmnet.");
    }
  }

  /** What both checks of a served site share: the flags, discovery, and the masters' state. */
  private void assertServedFrom(Map<String, String> now, String dcTo, String dcFrom) {
    assertThat(now.get("WMFMasterDatacenter")).contains("\"" + dcTo + "\"");
    for (String dc : LabTopology.DATACENTERS) {
      assertThat(now.get("ReadOnly " + dc)).as("ReadOnly " + dc).contains("false");
    }
    for (String service : SERVICES) {
      assertThat(now.get("discovery " + service + " " + dcTo)).contains("\"pooled\":true");
      assertThat(now.get("discovery " + service + " " + dcFrom)).contains("\"pooled\":false");
    }
    for (String section : lab.topology().sections()) {
      assertThat(now.get("read_only " + section + " " + dcFrom))
          .as(section + " " + dcFrom)
          .isEqualTo("1");
      assertThat(now.get("read_only " + section + " " + dcTo))
          .as(section + " " + dcTo)
          .isEqualTo("0");
    }
  }

  /**
   * The site after a switchover to {@code dcTo}: ReadOnly off in both datacenters, {@code
   * WMFMasterDatacenter} on it, discovery and DNS on it with the TTLs of {@code before}, its
   * masters writable and the old ones read-only (and taking the write load), puppet enabled.
   */
  public void verifySwitchedTo(String dcTo, String dcFrom, Map<String, String> before) {
    Map<String, String> now = state();
    assertServedFrom(now, dcTo, dcFrom);
    for (String service : SERVICES) {
      String ttlBefore = before.get("dns " + service).split(" ")[0];
      assertThat(now.get("dns " + service))
          .as("DNS of " + service + ": TTL as read before the run, target " + dcTo)
          .isEqualTo(ttlBefore + " " + service + ".svc." + dcTo + ".wmnet.");
    }
    for (String host : maintenanceHosts()) {
      assertThat(now.get("puppet " + host))
          .as("puppet on " + host)
          .isEqualTo(before.get("puppet " + host));
    }
    assertThat(now.get("scap lock"))
        .as("scap's lock on the deployment server")
        .isEqualTo(before.get("scap lock"));
    Instant after = Instant.now();
    SwitchoverRuns.await(
        () ->
            lab.topology().sections().stream()
                .allMatch(
                    section ->
                        Long.parseLong(
                                sql(
                                    section,
                                    dcTo,
                                    "SELECT COUNT(*) FROM wiki.edits WHERE dc='"
                                        + dcTo
                                        + "' AND ts > '"
                                        + after.toString().replace("T", " ").replace("Z", "")
                                        + "'"))
                            > 0),
        Duration.ofSeconds(15),
        () -> "the write load writes to the " + dcTo + " masters");
  }

  /**
   * The site as it was before a run that was rolled back or stopped: ReadOnly off, the old masters
   * writable, discovery and DNS on {@code dcFrom} with the TTLs as read, maintenance running where
   * it ran, puppet as it was; and every other value of {@link #state()} unchanged.
   */
  public void verifyUnchanged(String dcFrom, Map<String, String> before) {
    Map<String, String> now = state();
    for (String dc : LabTopology.DATACENTERS) {
      assertThat(now.get("ReadOnly " + dc)).as("ReadOnly " + dc).contains("false");
    }
    for (String section : lab.topology().sections()) {
      assertThat(now.get("read_only " + section + " " + dcFrom))
          .as(section + " " + dcFrom + " writable")
          .isEqualTo("0");
    }
    for (String service : SERVICES) {
      assertThat(now.get("dns " + service))
          .as("DNS of " + service)
          .endsWith(service + ".svc." + dcFrom + ".wmnet.")
          .isEqualTo(before.get("dns " + service));
      assertThat(now.get("discovery " + service + " " + dcFrom)).contains("\"pooled\":true");
    }
    for (String host : maintenanceHosts()) {
      assertThat(now.get("mw-cron " + host))
          .as("mw-cron on " + host)
          .isEqualTo(before.get("mw-cron " + host));
      assertThat(now.get("puppet " + host))
          .as("puppet on " + host)
          .isEqualTo(before.get("puppet " + host));
    }
    assertThat(now).isEqualTo(before);
  }

  /** A key's value as etcdctl prints it. */
  public String etcd(String key) {
    Cli.Result result = Cli.etcdctl(lab, "get", key, "--print-value-only");
    assertThat(result.exit()).as(result.all()).isZero();
    return result.out().strip();
  }

  /** "TTL TARGET" of the service's discovery record as BIND answers it. */
  public String dns(String service) {
    String answer = Cli.dig(lab, service + ".discovery.wmnet", "CNAME").out().strip();
    String[] fields = answer.split("\\s+");
    assertThat(fields).as(answer).hasSize(5);
    return fields[1] + " " + fields[4];
  }

  /** A query's result on a section's master in a datacenter, as the mysql client prints it. */
  public String sql(String section, String dc, String query) {
    Cli.Result result = Cli.mysql(lab, section, dc, query);
    assertThat(result.exit()).as(result.all()).isZero();
    return result.out().strip();
  }

  /** A command's output on a fleet host, over SSH. */
  /**
   * The message of scap's global lock on the primary datacenter's deployment server, as {@code cat}
   * shows it there; empty when no lock is held.
   */
  public String scapLock() {
    return ssh(deploymentServer(), "cat /var/lock/scap-global-lock");
  }

  /**
   * Ends scap's lock on the deployment server, whoever holds it, as its owner would: for the
   * clean-up of a test whose run was cancelled while it held the lock.
   */
  public void endScapLock() {
    String owner = scapLock();
    if (!owner.isEmpty()) {
      ssh(deploymentServer(), "scap unlock --all '" + owner.replace("'", "") + "'");
    }
  }

  /** A deployment from the deployment server now: scap refuses it while its lock is held. */
  public Cli.Result deploy() {
    return Cli.ssh(lab, deploymentServer(), "scap sync-world");
  }

  private String deploymentServer() {
    return lab.topology().deploymentServer(LabTopology.PRIMARY_DC).fqdn();
  }

  public String ssh(String host, String command) {
    return Cli.ssh(lab, host, command).out().strip();
  }
}
