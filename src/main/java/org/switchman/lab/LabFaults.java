package org.switchman.lab;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Injects and clears lab faults. Every fault has an id and can be cleared; {@link #clearAll()}
 * restores a healthy lab. Thread-safe.
 */
public final class LabFaults {

  private final LabTopology topology;
  private final LabEtcd etcd;
  private final LabDns dns;
  private final LabMariadb mariadb;
  private final LabFleet fleet;
  private final Map<String, LabFault> active = new LinkedHashMap<>();
  private final Map<String, Runnable> clearers = new LinkedHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  LabFaults(LabTopology topology, LabEtcd etcd, LabDns dns, LabMariadb mariadb, LabFleet fleet) {
    this.topology = topology;
    this.etcd = etcd;
    this.dns = dns;
    this.mariadb = mariadb;
    this.fleet = fleet;
  }

  /**
   * Injects a fault.
   *
   * @return the fault, with the id that clears it
   * @throws IllegalArgumentException if a required field is missing or unknown
   */
  public synchronized LabFault inject(LabFault.Request request) {
    Objects.requireNonNull(request.kind(), "kind is required");
    return switch (request.kind()) {
      case HOST_UNREACHABLE -> hostOverride(request, LabFleet.Override.TIMEOUT);
      case HOST_REFUSING -> hostOverride(request, LabFleet.Override.REFUSE);
      case HOST_KEY_CHANGED -> hostOverride(request, LabFleet.Override.NEW_HOST_KEY);
      case HOST_SILENT -> hostOverride(request, LabFleet.Override.SILENT);
      case COMMAND_SLOW -> commandSlow(request);
      case RESTART_SLOW ->
          hostFile(
              request,
              "restart." + unit(request),
              "slow " + positive(request.seconds(), "seconds"),
              request.seconds() + " s");
      case RESTART_FAILS -> hostFile(request, "restart." + unit(request), "fail", "");
      case RESTART_NEEDS_ATTEMPTS ->
          hostFile(
              request,
              "restart." + unit(request),
              "attempts " + positive(request.count(), "count"),
              request.count() + " attempts");
      case BOOT_SLOW -> bootSlow(request);
      case BOOT_UNCLEAN -> bootUnclean(request);
      case REGISTRATION_LOST -> hostFile(request, "registration." + unit(request), "lost", "");
      case CASSANDRA_JOINING -> hostFile(request, "cassandra-joining", "joining", "");
      case COMPACTIONS_PENDING ->
          hostFile(
              request,
              "compactions",
              Integer.toString(positive(request.count(), "count")),
              request.count() + " pending");
      case ELASTICSEARCH_YELLOW -> hostFile(request, "elasticsearch-yellow", "yellow", "");
      case SITEINFO_STALE -> hostFile(request, "siteinfo-stale", "stale", "");
      case LONG_JOB_RUNNING -> longJob(request);
      case REPLICATION_DELAY -> replication(request, true);
      case REPLICATION_STOPPED -> replication(request, false);
      case ETCD_DOWN -> server(request, "etcd", etcd::halt, etcd::launch);
      case DNS_DOWN -> server(request, "dns", dns::halt, dns::launch);
      case ETCD_PARTITION ->
          server(request, "etcd", () -> etcd.partition(true), () -> etcd.partition(false));
      case ETCD_PAUSED -> server(request, "etcd", () -> etcd.pause(true), () -> etcd.pause(false));
      case DNS_REFUSING ->
          server(request, "dns", () -> dns.refuseUpdates(true), () -> dns.refuseUpdates(false));
      case DB_MASTER_DOWN -> master(request, mariadb::halt, mariadb::launch);
      case DB_MASTER_PAUSED ->
          master(
              request,
              (section, dc) -> mariadb.pause(section, dc, true),
              (section, dc) -> mariadb.pause(section, dc, false));
      case DB_LOCKED -> dbLocked(request);
    };
  }

  /** Clears one fault. Clearing an unknown id is an error. */
  public synchronized void clear(String id) {
    Runnable clearer = clearers.remove(id);
    if (clearer == null) {
      throw new IllegalArgumentException("no active fault " + id);
    }
    active.remove(id);
    clearer.run();
  }

  /** Clears every fault, newest first. */
  public synchronized void clearAll() {
    List<String> ids = new ArrayList<>(active.keySet());
    java.util.Collections.reverse(ids);
    ids.forEach(this::clear);
  }

  /** The active faults, oldest first. */
  public synchronized List<LabFault> active() {
    return List.copyOf(active.values());
  }

  private LabFault record(LabFault.Kind kind, String target, String detail, Runnable clearer) {
    String id = "fault-" + ids.incrementAndGet();
    LabFault fault = new LabFault(id, kind, target, detail);
    active.put(id, fault);
    clearers.put(id, clearer);
    return fault;
  }

  private String host(LabFault.Request request) {
    if (request.host() == null || request.host().isBlank()) {
      throw new IllegalArgumentException(request.kind() + " needs a host");
    }
    topology.host(request.host());
    return request.host();
  }

  private static String unit(LabFault.Request request) {
    if (request.unit() == null || !request.unit().matches("[A-Za-z0-9@._-]+")) {
      throw new IllegalArgumentException(request.kind() + " needs a unit name");
    }
    return request.unit().replaceFirst("\\.service$", "");
  }

  private static int positive(Integer value, String name) {
    if (value == null || value <= 0) {
      throw new IllegalArgumentException(name + " must be a positive number");
    }
    return value;
  }

  private LabFault hostOverride(LabFault.Request request, LabFleet.Override kind) {
    String fqdn = host(request);
    fleet.override(fqdn, kind);
    return record(request.kind(), fqdn, "", () -> fleet.clearOverride(fqdn, kind));
  }

  private LabFault bootSlow(LabFault.Request request) {
    String fqdn = host(request);
    int seconds = positive(request.seconds(), "seconds");
    fleet.bootDuration(fqdn, java.time.Duration.ofSeconds(seconds));
    return record(request.kind(), fqdn, seconds + " s", () -> fleet.bootDuration(fqdn, null));
  }

  private LabFault bootUnclean(LabFault.Request request) {
    String fqdn = host(request);
    if (!topology.host(fqdn).units().contains("openafs-fileserver")) {
      throw new IllegalArgumentException(
          request.kind()
              + " needs a host with openafs-fileserver ("
              + String.join(
                  ", ",
                  topology.hosts().stream()
                      .filter(h -> h.units().contains("openafs-fileserver"))
                      .map(LabTopology.Host::fqdn)
                      .toList())
              + "), not "
              + fqdn);
    }
    int seconds = positive(request.seconds(), "seconds");
    fleet.salvageDuration(fqdn, java.time.Duration.ofSeconds(seconds));
    return record(request.kind(), fqdn, seconds + " s", () -> fleet.salvageDuration(fqdn, null));
  }

  private LabFault hostFile(LabFault.Request request, String name, String content, String detail) {
    String fqdn = host(request);
    fleet.writeFault(fqdn, name, content);
    String target =
        name.startsWith("restart.") || name.startsWith("registration.")
            ? fqdn + " " + name.substring(name.indexOf('.') + 1)
            : fqdn;
    return record(request.kind(), target, detail, () -> fleet.removeFault(fqdn, name));
  }

  private String section(LabFault.Request request) {
    String section = request.section();
    if (section == null || !topology.sections().contains(section)) {
      throw new IllegalArgumentException(
          request.kind() + " needs a section of this lab: " + topology.sections());
    }
    return section;
  }

  private static String dc(LabFault.Request request) {
    String dc = request.dc() == null ? "codfw" : request.dc();
    LabTopology.dcDigit(dc);
    return dc;
  }

  /** A job name as the host reports it: letters, digits and {@code ._-}. */
  private static final Pattern JOB = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private LabFault longJob(LabFault.Request request) {
    String job = request.unit() == null ? "webVideoTranscode" : request.unit();
    if (!JOB.matcher(job).matches()) {
      throw new IllegalArgumentException(
          "unit (the job) must be letters, digits and ._- only, not '" + job + "'");
    }
    long now = Instant.now().getEpochSecond();
    long ends = request.seconds() == null ? 0 : now + positive(request.seconds(), "seconds");
    return hostFile(
        request,
        "long-job",
        now + " " + ends + " " + job,
        job + (ends == 0 ? " until cleared" : " for " + request.seconds() + " s"));
  }

  private LabFault commandSlow(LabFault.Request request) {
    String fqdn = host(request);
    int seconds = positive(request.seconds(), "seconds");
    String prefix = request.prefix();
    if (prefix == null
        || prefix.isBlank()
        || !prefix.equals(prefix.strip())
        || prefix.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          request.kind()
              + " needs a prefix: the start of a command, one line without surrounding spaces");
    }
    String name = "command-slow." + (ids.get() + 1);
    fleet.writeFault(fqdn, name, seconds + " " + prefix);
    return record(
        request.kind(), fqdn + " " + prefix, seconds + " s", () -> fleet.removeFault(fqdn, name));
  }

  /** One database master, an action on it and the action that clears it. */
  private interface MasterAction {
    void apply(String section, String dc);
  }

  private static final java.util.Set<LabFault.Kind> MASTER_STATES =
      java.util.EnumSet.of(
          LabFault.Kind.DB_MASTER_DOWN, LabFault.Kind.DB_MASTER_PAUSED, LabFault.Kind.DB_LOCKED);

  /**
   * A master that is down, paused or locked takes no other fault, and one that has any fault takes
   * none of those three: each of them would leave the other's clearing unable to reach it.
   */
  private void requireMasterFree(LabFault.Kind kind, String target) {
    active.values().stream()
        .filter(
            f ->
                f.target().equals(target)
                    && (MASTER_STATES.contains(kind) || MASTER_STATES.contains(f.kind())))
        .findFirst()
        .ifPresent(
            f -> {
              throw new IllegalArgumentException(
                  "the master " + target + " already has fault " + f.kind() + " (" + f.id() + ")");
            });
  }

  private LabFault master(LabFault.Request request, MasterAction inject, MasterAction clear) {
    String section = section(request);
    String dc = dc(request);
    String target = section + " " + dc;
    requireMasterFree(request.kind(), target);
    inject.apply(section, dc);
    return record(request.kind(), target, "", () -> clear.apply(section, dc));
  }

  private LabFault dbLocked(LabFault.Request request) {
    String section = section(request);
    String dc = dc(request);
    requireMasterFree(request.kind(), section + " " + dc);
    AutoCloseable lock = mariadb.lockTables(section, dc);
    return record(
        request.kind(),
        section + " " + dc,
        "",
        () -> {
          try {
            lock.close();
          } catch (Exception e) {
            throw new LabException("cannot release the lock on " + section + " " + dc, e);
          }
        });
  }

  private LabFault replication(LabFault.Request request, boolean delay) {
    String section = section(request);
    String dc = dc(request);
    requireMasterFree(request.kind(), section + " " + dc);
    String detail = "";
    if (delay) {
      int seconds = positive(request.seconds(), "seconds");
      mariadb.sql(
          section, dc, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=" + seconds + "; START SLAVE;");
      detail = seconds + " s";
    } else {
      mariadb.sql(section, dc, "STOP SLAVE;");
    }
    return record(
        request.kind(),
        section + " " + dc,
        detail,
        () ->
            mariadb.sql(section, dc, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE;"));
  }

  private LabFault server(LabFault.Request request, String name, Runnable halt, Runnable launch) {
    java.util.Optional<LabFault> already =
        active.values().stream().filter(f -> f.target().equals(name)).findFirst();
    if (already.isPresent()) {
      throw new IllegalArgumentException(
          name + " already has fault " + already.get().kind() + " (" + already.get().id() + ")");
    }
    halt.run();
    return record(request.kind(), name, "", launch);
  }
}
