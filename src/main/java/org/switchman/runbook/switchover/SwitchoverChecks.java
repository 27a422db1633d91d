package org.switchman.runbook.switchover;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.DbMasters;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.StepInterruptedException;

/**
 * What the switchover reads and changes nothing: the pre-checks the approvers see before GO, the
 * end-state rules of a finished run, and the state of the site for an operator who must decide
 * after a failure.
 */
public final class SwitchoverChecks {

  private final SwitchoverTopology topology;
  private final Conftool conftool;
  private final DnsDiscovery dns;
  private final DbMasters masters;
  private final long maxLagSeconds;
  private final int attempts;
  private final Duration interval;

  /**
   * @param maxLagSeconds the replication lag the pre-checks accept
   * @param attempts how often the writes on the new site are looked for before a rule counts as
   *     broken (the catch-up attempts)
   * @param interval the pause between two looks (the catch-up interval)
   */
  SwitchoverChecks(
      SwitchoverTopology topology,
      Conftool conftool,
      DnsDiscovery dns,
      DbMasters masters,
      long maxLagSeconds,
      int attempts,
      Duration interval) {
    this.topology = topology;
    this.conftool = conftool;
    this.dns = dns;
    this.masters = masters;
    this.maxLagSeconds = maxLagSeconds;
    this.attempts = attempts;
    this.interval = interval;
  }

  /**
   * What the approvers see before GO: replication in both directions per section, its lag, and both
   * datacenters' pooled state.
   *
   * @param lines one line per fact, in words
   * @param problems the facts that stop a switchover
   */
  public record PreCheckReport(List<String> lines, List<String> problems) {}

  /**
   * Checks that a switchover can go: each new-site master replicates from the old site within the
   * lag limit, each old-site master replicates back (circular replication, needed for the catch-up
   * proof), the services are pooled in the old site, and MediaWiki is read-write.
   *
   * @throws CheckFailedException listing every problem, unless in dry-run (reported only) or in
   *     live-test where replication problems are warnings, as in production
   */
  public PreCheckReport preChecks(RunContext run, SwitchoverRequest request) {
    List<String> lines = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (String section : topology.sections()) {
      for (String[] direction :
          new String[][] {{request.dcFrom(), request.dcTo()}, {request.dcTo(), request.dcFrom()}}) {
        DbMasters.ReplicationStatus status = masters.replication(section, direction[1]);
        String line =
            section
                + " "
                + direction[0]
                + " → "
                + direction[1]
                + ": "
                + (status.healthy() ? "replicating" : "NOT replicating")
                + ", lag "
                + (status.secondsBehind() == null ? "unknown" : status.secondsBehind() + " s");
        lines.add(line);
        List<String> target = run.mode() == ExecutionMode.LIVE_TEST ? warnings : problems;
        if (!status.healthy()) {
          target.add(
              line
                  + (status.lastError() == null || status.lastError().isBlank()
                      ? ""
                      : " (" + status.lastError() + ")"));
        } else if (status.secondsBehind() == null || status.secondsBehind() > maxLagSeconds) {
          target.add(line + " (limit " + maxLagSeconds + " s)");
        }
      }
    }
    for (String service : topology.services()) {
      StringBuilder pooled = new StringBuilder(service + " pooled:");
      for (String dc : topology.datacenters()) {
        boolean yes = conftool.discovery(service, dc).map(v -> v.value().pooled()).orElse(false);
        pooled.append(' ').append(dc).append('=').append(yes ? "yes" : "no");
      }
      lines.add(pooled.toString());
    }
    String master = conftool.masterDatacenter().value();
    lines.add("WMFMasterDatacenter: " + master);
    for (String dc : topology.datacenters()) {
      Optional<String> readOnly = conftool.readOnly(dc).value();
      lines.add("ReadOnly " + dc + ": " + readOnly.map(r -> "on (" + r + ")").orElse("off"));
      if (readOnly.isPresent() && run.mode() != ExecutionMode.LIVE_TEST) {
        problems.add("MediaWiki in " + dc + " is already read-only: " + readOnly.get());
      }
    }
    warnings.forEach(w -> lines.add("warning (live-test): " + w));
    if (!problems.isEmpty() && run.mode() != ExecutionMode.DRY_RUN) {
      throw new CheckFailedException("pre-checks", String.join("; ", problems));
    }
    return new PreCheckReport(lines, problems);
  }

  /**
   * Reads the site and names every end-state rule of a finished live switchover that does not hold:
   * ReadOnly off in both datacenters, {@code WMFMasterDatacenter} on {@code dcTo}, the new masters
   * writable and the old ones read-only, every discovery service pooled in {@code dcTo} only and
   * answering with {@code dcTo} in DNS, and each TTL back at the value read in phase 0. Reads only.
   * A dry-run or live-test changes none of this, so it has nothing to check.
   *
   * @param originalTtls the TTLs read before phase 0 reduced them
   * @return one sentence per broken rule; empty when the site is switched over as intended
   */
  public List<String> brokenInvariants(
      RunContext run, SwitchoverRequest request, Map<String, Long> originalTtls) {
    List<String> broken = new ArrayList<>();
    if (run.mode() != ExecutionMode.LIVE) {
      return broken;
    }
    for (String dc : List.of(request.dcFrom(), request.dcTo())) {
      Optional<String> readOnly = conftool.readOnly(dc).value();
      if (readOnly.isPresent()) {
        broken.add("MediaWiki in " + dc + " is still read-only (ReadOnly: " + readOnly.get() + ")");
      }
    }
    String master = conftool.masterDatacenter().value();
    if (!request.dcTo().equals(master)) {
      broken.add("WMFMasterDatacenter is " + master + ", not " + request.dcTo());
    }
    for (String section : topology.sections()) {
      if (masters.isReadOnly(section, request.dcTo())) {
        broken.add("the " + section + " master in " + request.dcTo() + " is read-only");
      }
      if (!masters.isReadOnly(section, request.dcFrom())) {
        broken.add("the " + section + " master in " + request.dcFrom() + " is writable");
      }
    }
    for (String service : topology.services()) {
      boolean newPooled =
          conftool.discovery(service, request.dcTo()).map(v -> v.value().pooled()).orElse(false);
      boolean oldPooled =
          conftool.discovery(service, request.dcFrom()).map(v -> v.value().pooled()).orElse(false);
      if (!newPooled || oldPooled) {
        broken.add(
            service
                + " is pooled "
                + (newPooled ? "in " + request.dcTo() : "not in " + request.dcTo())
                + (oldPooled ? " and in " + request.dcFrom() : ""));
      }
      DnsDiscovery.DiscoveryRecord record = dns.read(service);
      if (!record.target().equals(SwitchoverTopology.discoveryTarget(service, request.dcTo()))) {
        broken.add(service + ".discovery answers " + record.target() + " in DNS");
      }
      Long original = originalTtls.get(service);
      if (original != null && record.ttlSeconds() != original) {
        broken.add(
            service
                + ".discovery has the TTL "
                + record.ttlSeconds()
                + " s, not the "
                + original
                + " s read before the switchover");
      }
    }
    return broken;
  }

  /**
   * What the reference's phase 10 verifies by hand and the databases can show, after ReadOnly off:
   * for each section, MediaWiki's edits land on the master in {@code dcTo} (it holds an edit newer
   * than {@code since}), and replication flows from it back to the master in {@code dcFrom} (which
   * comes to hold a heartbeat of the {@code dcTo} master newer than the newest one that master held
   * when the check began: the catch-up rule, the other way). Every section is looked at up to
   * {@code attempts} times, {@code interval} apart, until both hold. Edits are looked for only
   * where the masters can tell ({@link DbMasters#readsEdits}).
   *
   * @param since when ReadOnly went off
   * @return one line per rule that does not hold; empty when the run is not live
   * @throws StepInterruptedException when the thread is interrupted while it waits
   */
  public List<String> writesOnTheNewSite(RunContext run, SwitchoverRequest request, Instant since) {
    if (run.mode() != ExecutionMode.LIVE) {
      return List.of();
    }
    String from = request.dcFrom();
    String to = request.dcTo();
    Map<String, Optional<Instant>> reference = new LinkedHashMap<>();
    for (String section : topology.sections()) {
      reference.put(section, masters.newestHeartbeat(section, to, to));
    }
    // a rule that held for a section stays held (newest edits and heartbeats only grow), so each
    // look reads only the sections still pending
    Set<String> editsPending =
        masters.readsEdits() ? new LinkedHashSet<>(topology.sections()) : new LinkedHashSet<>();
    Set<String> flowPending = new LinkedHashSet<>(topology.sections());
    Map<String, String> edits = new LinkedHashMap<>();
    Map<String, String> heartbeats = new LinkedHashMap<>();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      for (String section : List.copyOf(editsPending)) {
        Optional<Instant> edit = masters.newestEdit(section, to);
        if (edit.isPresent() && edit.get().isAfter(since)) {
          editsPending.remove(section);
          edits.remove(section);
        } else {
          edits.put(
              section,
              "no edit landed on the "
                  + to
                  + " master of "
                  + section
                  + " after ReadOnly off at "
                  + since
                  + " (its newest: "
                  + edit.map(Instant::toString).orElse("none")
                  + ")");
        }
      }
      for (String section : List.copyOf(flowPending)) {
        Optional<Instant> mine = reference.get(section);
        Optional<Instant> seen = masters.newestHeartbeat(section, from, to);
        if (mine.isPresent() && seen.isPresent() && seen.get().isAfter(mine.get())) {
          flowPending.remove(section);
          heartbeats.remove(section);
        } else {
          heartbeats.put(
              section,
              "replication does not flow from the "
                  + to
                  + " master of "
                  + section
                  + " to the "
                  + from
                  + " one: it holds no "
                  + to
                  + " heartbeat newer than "
                  + mine.map(Instant::toString).orElse("none")
                  + " (its newest: "
                  + seen.map(Instant::toString).orElse("none")
                  + ")");
        }
      }
      if (editsPending.isEmpty() && flowPending.isEmpty()) {
        return List.of();
      }
      if (attempt < attempts) {
        try {
          Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StepInterruptedException("waiting for writes on the " + to + " masters", e);
        }
      }
    }
    List<String> broken = new ArrayList<>(edits.values());
    broken.addAll(heartbeats.values());
    return broken;
  }

  /**
   * The state of the site as it can be read now, one line per part, for an operator who must decide
   * after a failure: ReadOnly in both datacenters, the master datacenter, each section's masters,
   * and each discovery service's pooling and DNS answer. A part that cannot be read says so and
   * why; once etcd or DNS could not be read, their other parts are not tried, so a server that is
   * down costs one timeout, not one per key (each master is a server of its own).
   */
  public List<String> siteState(SwitchoverRequest request) {
    List<String> lines = new ArrayList<>();
    String from = request.dcFrom();
    String to = request.dcTo();
    String etcdDown =
        readPart(
            lines,
            null,
            () ->
                "ReadOnly: "
                    + from
                    + " "
                    + conftool.readOnly(from).value().map(r -> "ON (" + r + ")").orElse("off")
                    + ", "
                    + to
                    + " "
                    + conftool.readOnly(to).value().map(r -> "ON (" + r + ")").orElse("off"),
            "etcd");
    etcdDown =
        readPart(
            lines,
            etcdDown,
            () -> "WMFMasterDatacenter: " + conftool.masterDatacenter().value(),
            "etcd");
    for (String section : topology.sections()) {
      readPart(
          lines,
          null,
          () ->
              "masters "
                  + section
                  + ": "
                  + from
                  + " "
                  + writable(section, from)
                  + ", "
                  + to
                  + " "
                  + writable(section, to),
          "the " + section + " masters");
    }
    String dnsDown = null;
    for (String service : topology.services()) {
      etcdDown =
          readPart(
              lines,
              etcdDown,
              () ->
                  service
                      + " pooled in: "
                      + String.join(
                          " ",
                          List.of(from, to).stream()
                              .filter(
                                  dc ->
                                      conftool
                                          .discovery(service, dc)
                                          .map(v -> v.value().pooled())
                                          .orElse(false))
                              .toList()),
              "etcd");
      dnsDown =
          readPart(
              lines,
              dnsDown,
              () -> {
                DnsDiscovery.DiscoveryRecord record = dns.read(service);
                return service
                    + ".discovery answers "
                    + record.target()
                    + " TTL "
                    + record.ttlSeconds();
              },
              "DNS");
    }
    return lines;
  }

  private String writable(String section, String dc) {
    return masters.isReadOnly(section, dc) ? "read-only" : "writable";
  }

  /**
   * Adds one line of the site state, or why it is unknown; returns why its server is down, if it
   * is.
   */
  private static String readPart(
      List<String> lines, String down, Supplier<String> part, String server) {
    if (down != null) {
      return down;
    }
    try {
      lines.add(part.get());
      return null;
    } catch (RuntimeException e) {
      String why = server + " could not be read: " + e.getMessage();
      lines.add("unknown, " + why);
      return why;
    }
  }
}
