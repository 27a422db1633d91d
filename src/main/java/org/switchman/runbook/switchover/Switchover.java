package org.switchman.runbook.switchover;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.dblockdown.DbLockdown;
import org.switchman.runbook.discovery.DiscoveryTtl;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.DbMasters;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.port.StepInterruptedException;
import org.switchman.runbook.port.Versioned;
import org.switchman.runbook.restart.HostCheck;

/**
 * The steps of the MediaWiki datacenter switchover (phases 0–9 of the runbook "Switch Datacenter",
 * walked through in README, "Running a datacenter switchover in Tasklist"), one method per step, in
 * the order the process runs them. The process decides the order, the parallelism, the waits and
 * the approvals; this class does one step at a time.
 *
 * <p><b>Idempotency.</b> Every step reads the current state first and changes only what differs, so
 * it can run again after a crash, a retry or a partial failure.
 *
 * <p><b>Modes.</b> Every change goes through the adapters, and so through the mutation choke point:
 * in dry-run it is journaled as "would: …" and nothing changes, and the checks that depend on an
 * earlier change are reported instead of failing; in live-test a change aimed at the active
 * datacenter is refused and journaled.
 *
 * <p><b>Failures.</b> A check that does not hold (a host that cannot be reached, a record that did
 * not flip, a master that did not catch up) raises {@link CheckFailedException}, which the process
 * turns into an operator decision. Errors of etcd, DNS or the databases propagate as they are, to
 * be retried by the engine and then, when retrying does not help, put to an operator with {@link
 * SwitchoverChecks#siteState}. {@link StepInterruptedException} (the application stops while a step
 * waits) is never a failed check: it propagates from every step, the rollback included.
 */
public final class Switchover {

  /** The service whose Icinga checks page when a master changes its read-only state. */
  static final String READ_ONLY_CHECK = "MariaDB read only";

  /** Six hours, as in production: a backstop if the downtime is never removed. */
  static final long DOWNTIME_SECONDS = 6 * 3600;

  private final SwitchoverTopology topology;
  private final Conftool conftool;
  private final DnsDiscovery dns;
  private final DbMasters masters;
  private final RemoteExecutor remote;
  private final DbLockdown lockdown;
  private final DiscoveryTtl ttl;
  private final Duration commandTimeout;
  private final Duration siteInfoWait;
  private final SwitchoverChecks checks;
  private final SwitchoverRollback rollback;

  /**
   * @param catchUpAttempts how often a section's catch-up is checked before it fails
   * @param catchUpInterval the pause between catch-up checks
   * @param commandTimeout the limit for one remote command
   * @param maxLagSeconds the replication lag the pre-checks accept
   * @param siteInfoWait how long MediaWiki may take to report a change in its siteinfo
   */
  public Switchover(
      SwitchoverTopology topology,
      Conftool conftool,
      DnsDiscovery dns,
      DbMasters masters,
      RemoteExecutor remote,
      int catchUpAttempts,
      Duration catchUpInterval,
      Duration commandTimeout,
      long maxLagSeconds,
      Duration siteInfoWait) {
    this.topology = topology;
    this.siteInfoWait = siteInfoWait;
    this.conftool = conftool;
    this.dns = dns;
    this.masters = masters;
    this.remote = remote;
    this.lockdown = new DbLockdown(masters, catchUpAttempts, catchUpInterval);
    this.ttl = new DiscoveryTtl(dns, conftool);
    this.commandTimeout = commandTimeout;
    this.checks =
        new SwitchoverChecks(
            topology, conftool, dns, masters, maxLagSeconds, catchUpAttempts, catchUpInterval);
    this.rollback = new SwitchoverRollback(this, topology, masters, lockdown);
  }

  public SwitchoverTopology topology() {
    return topology;
  }

  /** The reads: the pre-checks, the end state of a finished run and the site's state now. */
  public SwitchoverChecks checks() {
    return checks;
  }

  /** Puts the site back as it was before the run. */
  public SwitchoverRollback rollback() {
    return rollback;
  }

  /** The datacenter conftool names as primary ({@code WMFMasterDatacenter}). */
  public String masterDatacenter() {
    return conftool.masterDatacenter().value();
  }

  /** The reason puppet is disabled with, and must be enabled with again. */
  public static String puppetReason(SwitchoverRequest request) {
    return "dc-switchover " + request.dcFrom() + " to " + request.dcTo() + " " + request.ticket();
  }

  // ---------------------------------------------------------------- phase 0

  /**
   * How long scap's lock holds if the run never ends it (a crash, a cancel): six hours, as the
   * downtimes.
   */
  static final long DEPLOYMENT_LOCK_SECONDS = DOWNTIME_SECONDS;

  /**
   * The message scap's lock is taken and released with: the reference's "Datacenter Switchover -
   * T12345", with the run, so that a deployer refused by the lock knows whose it is.
   */
  public static String deploymentLockMessage(RunContext run, SwitchoverRequest request) {
    return "Datacenter switchover "
        + request.dcFrom()
        + " to "
        + request.dcTo()
        + " - "
        + request.ticket()
        + " (run "
        + run.runId()
        + ")";
  }

  /**
   * Locks every deployment on the deployment server ({@code scap lock --all}) for the whole
   * switchover, as reference 001's phase 0 does by hand. Taking the lock again is harmless.
   *
   * @throws CheckFailedException {@code deployments-locked} when someone else holds scap's lock,
   *     naming them
   */
  public void lockDeployments(RunContext run, SwitchoverRequest request) {
    scap(
        run,
        "lock --all --time "
            + DEPLOYMENT_LOCK_SECONDS
            + " "
            + quote(deploymentLockMessage(run, request)));
  }

  /**
   * Ends the run's scap lock (reference 001, phase 9: "Cancel the scap lock"). Nothing to do when
   * the run holds none.
   *
   * @throws CheckFailedException {@code deployments-locked} when the lock is someone else's
   */
  public void unlockDeployments(RunContext run, SwitchoverRequest request) {
    scap(run, "unlock --all " + quote(deploymentLockMessage(run, request)));
  }

  private void scap(RunContext run, String arguments) {
    try {
      remote.execute(
          run,
          topology.deploymentServer(),
          topology.deploymentServerDc(),
          "scap " + arguments,
          commandTimeout);
    } catch (RemoteExecutionException.NonZeroExit e) {
      throw new CheckFailedException("deployments-locked", e.getMessage());
    } catch (RemoteExecutionException e) {
      throw new CheckFailedException("host-command", e.getMessage());
    }
  }

  /**
   * Disables puppet on the maintenance hosts of both datacenters, so it cannot restart the timers.
   */
  public void disablePuppet(RunContext run, SwitchoverRequest request) {
    for (String dc : topology.datacenters()) {
      for (String host : topology.maintenanceHosts(dc)) {
        execute(run, host, dc, "disable-puppet " + quote(puppetReason(request)));
      }
    }
  }

  /**
   * Reads each discovery record's TTL from DNS and reduces it to {@code shortTtl}, telling {@code
   * beforeReducing} each record's TTL as read, before the record is changed: the caller keeps it
   * where a failure of this step cannot lose it.
   *
   * @param known the TTLs read by an earlier attempt of this run, which win over what DNS says now
   *     (a retry finds the records already reduced)
   * @param shortTtl the TTL in seconds the records get while the run switches them (production's
   *     DNS_SHORT_TTL, 10 s); a record at or below it counts as already reduced
   * @param ttlIfUnknown the TTL to assume for a record found already reduced by someone else
   * @return the original TTL of each record, to wait for and to restore
   */
  public Map<String, Long> reduceTtl(
      RunContext run,
      Map<String, Long> known,
      long shortTtl,
      long ttlIfUnknown,
      BiConsumer<String, Long> beforeReducing) {
    Map<String, Long> original = new LinkedHashMap<>();
    for (String service : topology.services()) {
      long fallback = known.getOrDefault(service, ttlIfUnknown);
      Map<String, Long> read =
          ttl.reduce(
              run,
              List.of(service),
              shortTtl,
              fallback,
              (reduced, read1) ->
                  beforeReducing.accept(reduced, known.getOrDefault(reduced, read1)));
      original.put(service, known.getOrDefault(service, read.get(service)));
    }
    return original;
  }

  /** How long to wait so that every answer cached with an original TTL has expired. */
  public static Duration oldTtlWait(Map<String, Long> originalTtls) {
    return Duration.ofSeconds(DiscoveryTtl.longest(originalTtls));
  }

  /**
   * Warms up the new site's caches from its maintenance hosts, as reference 001's phase 0 does: the
   * "urls-cluster" warm-up against the application servers' cluster, then the "urls-server" warm-up
   * against the application servers and against the API servers. Each warm-up is repeated until its
   * time stops improving (a round at least {@value #WARM_UP_GAIN_PERCENT} % faster than the best
   * before), at most {@value #WARM_UP_ROUNDS} rounds. A dry-run journals one round of each.
   *
   * @return one line per warm-up: its target, its rounds and their times
   */
  public List<String> warmUpCaches(RunContext run, SwitchoverRequest request) {
    String dc = run.mode() == ExecutionMode.LIVE_TEST ? request.dcFrom() : request.dcTo();
    List<String> report = new ArrayList<>();
    for (String host : topology.maintenanceHosts(dc)) {
      for (String warmUp :
          List.of(
              "urls-cluster.txt spread mw-web.svc." + dc + ".wmnet",
              "urls-server.txt clone mw-web.svc." + dc + ".wmnet",
              "urls-server.txt clone mw-api-int.svc." + dc + ".wmnet")) {
        report.add(host + " " + warmUp + ": " + warmUp(run, host, dc, WARM_UP + warmUp));
      }
    }
    return report;
  }

  /** The most rounds of one warm-up. */
  public static final int WARM_UP_ROUNDS = 5;

  /** How much faster a round must be than the best before for the warm-up to go on. */
  static final int WARM_UP_GAIN_PERCENT = 5;

  private static final String WARM_UP = "/var/lib/mediawiki-cache-warmup/warmup.py ";
  private static final java.util.regex.Pattern WARM_UP_TIME =
      java.util.regex.Pattern.compile("last ([0-9]+(?:\\.[0-9]+)?) s");

  /** Runs one warm-up until its time stops improving; returns its rounds' times, in words. */
  private String warmUp(RunContext run, String host, String dc, String command) {
    List<String> times = new ArrayList<>();
    double best = Double.MAX_VALUE;
    for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
      RemoteExecutor.CommandOutcome outcome;
      try {
        outcome = remote.execute(run, host, dc, command, commandTimeout);
      } catch (RemoteExecutionException e) {
        throw new CheckFailedException("host-command", e.getMessage());
      }
      if (outcome.outcome() != MutationOutcome.PERFORMED || outcome.result() == null) {
        return "would run (" + outcome.outcome().name().toLowerCase(java.util.Locale.ROOT) + ")";
      }
      java.util.regex.Matcher time = WARM_UP_TIME.matcher(outcome.result().stdout());
      if (!time.find()) {
        times.add("time not reported");
        break;
      }
      double seconds = Double.parseDouble(time.group(1));
      times.add(time.group(1) + " s");
      if (seconds > best * (100 - WARM_UP_GAIN_PERCENT) / 100.0) {
        break;
      }
      best = Math.min(best, seconds);
    }
    return times.size() + (times.size() == 1 ? " round: " : " rounds: ") + String.join(", ", times);
  }

  /** Downtimes the read-only checks of every database master of both sites, so they do not page. */
  public void downtimeReadOnlyChecks(RunContext run, SwitchoverRequest request) {
    for (String dc : topology.datacenters()) {
      for (String host : topology.dbMasterHosts(dc)) {
        execute(
            run,
            host,
            dc,
            "downtime-service "
                + quote(READ_ONLY_CHECK)
                + " "
                + DOWNTIME_SECONDS
                + " "
                + quote(puppetReason(request)));
      }
    }
  }

  // ---------------------------------------------------------------- phase 1

  /**
   * Stops the periodic maintenance jobs on the maintenance hosts of both sites.
   *
   * @return the hosts where the jobs were running, to start again on a rollback
   * @throws CheckFailedException when a host's timers are still active after the stop
   */
  public List<String> stopMaintenance(RunContext run, SwitchoverRequest request) {
    return stopMaintenance(run, request, host -> {});
  }

  /**
   * {@link #stopMaintenance(RunContext, SwitchoverRequest)}, telling {@code beforeStopping} each
   * host found running maintenance before its maintenance is stopped: the caller keeps it where a
   * failure on a later host cannot lose it, so that a rollback restarts maintenance where it ran.
   */
  public List<String> stopMaintenance(
      RunContext run, SwitchoverRequest request, Consumer<String> beforeStopping) {
    List<String> wereRunning = new ArrayList<>();
    for (String dc : topology.datacenters()) {
      for (String host : topology.maintenanceHosts(dc)) {
        if (!unitActive(host, topology.maintenanceUnit())) {
          continue;
        }
        wereRunning.add(host);
        beforeStopping.accept(host);
        systemctl(run, host, dc, "stop", topology.maintenanceUnit(), "maintenance-stopped");
      }
    }
    return wereRunning;
  }

  /**
   * The maintenance work still running on the maintenance hosts of both sites once their timers are
   * stopped: a script already started runs on until it ends, and the reference waits for it (up to
   * about five minutes) before the site goes read-only. Asks each host's {@code
   * nrpe_long_running_jobs}, as {@link HostCheck#NO_LONG_JOBS} does. Only reads.
   *
   * @return one line per host still running work, {@code host: what it runs}; empty when none
   * @throws CheckFailedException {@code host-reachable} when a host does not answer
   */
  public List<String> runningMaintenanceJobs() {
    List<String> running = new ArrayList<>();
    for (String dc : topology.datacenters()) {
      for (String host : topology.maintenanceHosts(dc)) {
        try {
          HostCheck.Result result =
              HostCheck.NO_LONG_JOBS.run(remote, host, List.of(), commandTimeout);
          if (!result.passed()) {
            running.add(host + ": " + result.reason());
          }
        } catch (RemoteExecutionException e) {
          throw new CheckFailedException("host-reachable", e.getMessage());
        }
      }
    }
    return running;
  }

  // ---------------------------------------------------------------- phases 2 and 7

  /**
   * Puts MediaWiki in read-only mode, new site first, with the reason editors will see, and waits
   * until MediaWiki reports it ({@link #awaitSiteInfo}).
   *
   * @return when the first site went read-only: the start of the read-only window
   */
  public Instant setReadOnly(RunContext run, SwitchoverRequest request) {
    return setReadOnly(run, request, started -> {});
  }

  /**
   * {@link #setReadOnly(RunContext, SwitchoverRequest)}, telling {@code beforeFirstChange} the
   * start of the window before the first site is changed: the caller keeps the first start, so that
   * a retry after a partial failure does not move it.
   */
  public Instant setReadOnly(
      RunContext run, SwitchoverRequest request, Consumer<Instant> beforeFirstChange) {
    Instant started = Instant.now();
    boolean told = false;
    for (String dc : List.of(request.dcTo(), request.dcFrom())) {
      Versioned<Optional<String>> current = conftool.readOnly(dc);
      if (!current.value().equals(Optional.of(request.reason()))) {
        if (!told) {
          beforeFirstChange.accept(started);
          told = true;
        }
        conftool.setReadOnly(run, dc, current, Optional.of(request.reason()));
      }
    }
    awaitSiteInfo("ReadOnly on");
    return started;
  }

  /**
   * Puts MediaWiki back in read-write mode in both sites, new site first (both even in live-test,
   * as in production; the choke point protects the active site), and waits until MediaWiki reports
   * it ({@link #awaitSiteInfo}).
   *
   * @return when the last site went read-write: the end of the read-only window
   */
  public Instant setReadWrite(RunContext run, SwitchoverRequest request) {
    for (String dc : List.of(request.dcTo(), request.dcFrom())) {
      Versioned<Optional<String>> current = conftool.readOnly(dc);
      if (current.value().isPresent()) {
        conftool.setReadOnly(run, dc, current, Optional.empty());
      }
    }
    Instant ended = Instant.now();
    awaitSiteInfo("ReadOnly off");
    return ended;
  }

  /** How often MediaWiki's siteinfo is asked again while it does not yet report what it should. */
  static final Duration SITE_INFO_INTERVAL = Duration.ofMillis(250);

  /**
   * Waits until MediaWiki itself reports what conftool holds now, on every siteinfo host of both
   * sites: its site's ReadOnly state and reason, and {@code WMFMasterDatacenter}. The automation
   * checks siteinfo after each of these changes: MediaWiki reads its etcd configuration on its own
   * schedule, so a change shows there a moment later. The hosts are asked side by side, each every
   * {@link #SITE_INFO_INTERVAL} until it answers as expected, for at most the siteinfo wait. Only
   * reads, in every mode: what conftool holds is what the run changed, or did not change in a
   * dry-run or on the side a live-test protects.
   *
   * @param after the change just made, for the message of a failure
   * @throws CheckFailedException {@code siteinfo} naming each host that still answers otherwise, or
   *     that does not answer with a siteinfo
   */
  public void awaitSiteInfo(String after) {
    String master = conftool.masterDatacenter().value();
    List<SideBySide.Part> hosts = new ArrayList<>();
    for (String dc : topology.datacenters()) {
      SiteInfo expected = SiteInfo.of(conftool.readOnly(dc).value(), master);
      for (String host : topology.siteInfoHosts(dc)) {
        hosts.add(() -> awaitSiteInfo(host, expected, after));
      }
    }
    SideBySide.run(hosts, hosts.size(), "waiting for MediaWiki's siteinfo");
  }

  private void awaitSiteInfo(String host, SiteInfo expected, String after) {
    Instant deadline = Instant.now().plus(siteInfoWait);
    String answered;
    while (true) {
      try {
        SiteInfo now =
            SiteInfo.parse(remote.query(host, SiteInfo.COMMAND, commandTimeout).stdout());
        if (now.equals(expected)) {
          return;
        }
        answered = now.describe();
      } catch (RemoteExecutionException e) {
        throw new CheckFailedException("host-reachable", e.getMessage());
      } catch (IllegalArgumentException e) {
        answered = e.getMessage();
      }
      if (!Instant.now().isBefore(deadline)) {
        throw new CheckFailedException(
            "siteinfo",
            "after "
                + after
                + ", MediaWiki on "
                + host
                + " still answers "
                + answered
                + " after "
                + siteInfoWait.toSeconds()
                + " s, not "
                + expected.describe());
      }
      StepInterruptedException.pause(SITE_INFO_INTERVAL, "waiting for the siteinfo of " + host);
    }
  }

  // ---------------------------------------------------------------- phases 3 and 6

  /** Phase 3 for one section; see {@link DbLockdown#lockOldSite}. */
  public DbLockdown.SectionResult lockDownSection(
      RunContext run, String section, String dcFrom, String dcTo) {
    return lockdown.lockOldSite(run, section, dcFrom, dcTo);
  }

  /** Phase 6 for one section; see {@link DbLockdown#unlockNewSite}. */
  public DbLockdown.SectionResult unlockSection(
      RunContext run, String section, String dcFrom, String dcTo) {
    return lockdown.unlockNewSite(run, section, dcFrom, dcTo);
  }

  // ---------------------------------------------------------------- phase 4

  /** Pools the new site for every moved record. DNS does not change yet: both sites are pooled. */
  public void poolNewDatacenter(RunContext run, SwitchoverRequest request) {
    setPooled(run, request.dcTo(), true);
  }

  /**
   * Sets {@code WMFMasterDatacenter} to the new site, and waits until MediaWiki reports it in both
   * sites ({@link #awaitSiteInfo}).
   */
  public void setMasterDatacenter(RunContext run, SwitchoverRequest request) {
    setMaster(run, request.dcTo());
    awaitSiteInfo("the master datacenter change");
  }

  /**
   * What is left of the settle time after the master datacenter change began: the automation pads
   * phase 4 to the short discovery TTL since that change, so that it has propagated for one TTL
   * before the new masters become writable.
   */
  public static Duration masterChangeSettleLeft(
      Instant changeStarted, Instant now, Duration settle) {
    Duration left = settle.minus(Duration.between(changeStarted, now));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * Depools the old site for every moved record and points each discovery record at the new site,
   * as confd does in production when the old site is depooled.
   *
   * @throws CheckFailedException when a record would be left pooled nowhere (not in dry-run)
   */
  public void depoolOldDatacenter(RunContext run, SwitchoverRequest request) {
    if (run.mode() != ExecutionMode.DRY_RUN) {
      for (String service : topology.services()) {
        boolean newPooled =
            conftool.discovery(service, request.dcTo()).map(v -> v.value().pooled()).orElse(false);
        if (!newPooled && run.mode() == ExecutionMode.LIVE) {
          throw new CheckFailedException(
              "depoolable",
              service
                  + " is not pooled in "
                  + request.dcTo()
                  + "; depooling "
                  + request.dcFrom()
                  + " would leave it pooled nowhere");
        }
      }
    }
    setPooled(run, request.dcFrom(), false);
    pointRecords(run, request.dcTo());
  }

  /**
   * Checks that every moved record answers with the new site's name (a few tries, the record may be
   * cached by the server for a moment). In dry-run a mismatch is expected and not counted.
   */
  public void checkDiscoveryDns(RunContext run, SwitchoverRequest request) {
    if (run.mode() == ExecutionMode.DRY_RUN) {
      return;
    }
    String dc = run.mode() == ExecutionMode.LIVE_TEST ? run.activeDatacenter() : request.dcTo();
    List<String> wrong = new ArrayList<>();
    for (int attempt = 0; attempt < 10; attempt++) {
      wrong.clear();
      for (String service : topology.services()) {
        DnsDiscovery.DiscoveryRecord record = dns.read(service);
        if (!record.target().equals(SwitchoverTopology.discoveryTarget(service, dc))) {
          wrong.add(service + " → " + record.target());
        }
      }
      if (wrong.isEmpty()) {
        return;
      }
      StepInterruptedException.pause(
          Duration.ofMillis(300), "waiting for DNS to answer with " + dc);
    }
    throw new CheckFailedException(
        "discovery-dns", "DNS does not answer with " + dc + " for: " + String.join(", ", wrong));
  }

  // ---------------------------------------------------------------- phase 8

  /** Restarts envoy on the old site's jobrunners so changeprop re-resolves the jobrunner name. */
  public void restartEnvoyOnJobrunners(RunContext run, SwitchoverRequest request) {
    for (String host : topology.jobrunners(request.dcFrom())) {
      systemctl(run, host, request.dcFrom(), "restart", "envoyproxy", "envoy-restarted");
    }
  }

  /**
   * Enables and runs puppet on the maintenance hosts of both sites, then starts the maintenance
   * jobs on the new primary site.
   */
  public void startMaintenance(RunContext run, SwitchoverRequest request) {
    enablePuppetOnMaintenanceHosts(run, request);
    startMaintenanceOn(run, request.dcTo(), topology.maintenanceHosts(request.dcTo()));
  }

  // ---------------------------------------------------------------- phase 9

  /** Restores the TTLs read in phase 0. */
  public void restoreTtl(RunContext run, Map<String, Long> originalTtls) {
    ttl.restore(run, originalTtls);
  }

  /** How many database masters run puppet at once, as the reference automation batches them. */
  public static final int PUPPET_BATCH = 5;

  /**
   * Runs puppet on every database master of both sites, which enforces their intended read-only
   * state, then removes the host's read-only check downtime set in phase 0; {@value #PUPPET_BATCH}
   * hosts side by side. Every host is tried even when another fails.
   *
   * @throws CheckFailedException {@code host-command} naming every host whose command failed
   * @throws StepInterruptedException when shutdown interrupts the step; the hosts still running are
   *     interrupted too
   */
  public void runPuppetOnDbMasters(RunContext run, SwitchoverRequest request) {
    List<SideBySide.Part> hosts = new ArrayList<>();
    for (String dc : topology.datacenters()) {
      for (String host : topology.dbMasterHosts(dc)) {
        hosts.add(
            () -> {
              execute(run, host, dc, "run-puppet-agent");
              execute(run, host, dc, "remove-downtime " + quote(READ_ONLY_CHECK));
            });
      }
    }
    SideBySide.run(hosts, PUPPET_BATCH, "running puppet on the database masters");
  }

  // ---------------------------------------------------------------- helpers

  void enablePuppetOnMaintenanceHosts(RunContext run, SwitchoverRequest request) {
    for (String dc : topology.datacenters()) {
      for (String host : topology.maintenanceHosts(dc)) {
        if (execute(run, host, dc, "enable-puppet " + quote(puppetReason(request)))
            == MutationOutcome.PERFORMED) {
          execute(run, host, dc, "run-puppet-agent");
        }
      }
    }
  }

  void startMaintenanceOn(RunContext run, String dc, List<String> hosts) {
    for (String host : hosts) {
      if (!unitActive(host, topology.maintenanceUnit())) {
        systemctl(run, host, dc, "start", topology.maintenanceUnit(), "maintenance-started");
      }
    }
  }

  void setPooled(RunContext run, String dc, boolean pooled) {
    for (String service : topology.services()) {
      Optional<Versioned<Conftool.DiscoveryState>> state = conftool.discovery(service, dc);
      if (state.isEmpty()) {
        throw new CheckFailedException(
            "discovery-object", "conftool has no discovery object for " + service + " in " + dc);
      }
      if (state.get().value().pooled() != pooled) {
        conftool.setDiscovery(run, state.get(), pooled, state.get().value().ttl());
      }
    }
  }

  void setMaster(RunContext run, String dc) {
    Versioned<String> current = conftool.masterDatacenter();
    if (!current.value().equals(dc)) {
      conftool.setMasterDatacenter(run, current, dc);
    }
  }

  void pointRecords(RunContext run, String dc) {
    for (String service : topology.services()) {
      DnsDiscovery.DiscoveryRecord record = dns.read(service);
      if (!record.target().equals(SwitchoverTopology.discoveryTarget(service, dc))) {
        dns.setTarget(run, record, SwitchoverTopology.discoveryTarget(service, dc));
      }
    }
  }

  /**
   * Runs {@code systemctl VERB UNIT} and, when it ran, checks the unit is inactive after a stop and
   * active after a start or restart.
   */
  private void systemctl(
      RunContext run, String host, String dc, String verb, String unit, String check) {
    boolean wantActive = !verb.equals("stop");
    if (execute(run, host, dc, "systemctl " + verb + " " + unit) == MutationOutcome.PERFORMED
        && unitActive(host, unit) != wantActive) {
      throw new CheckFailedException(
          check,
          unit
              + " is "
              + (wantActive ? "not" : "still")
              + " active on "
              + host
              + " after the "
              + verb);
    }
  }

  private boolean unitActive(String host, String unit) {
    try {
      return remote
          .query(host, "systemctl is-active " + unit, commandTimeout)
          .stdout()
          .strip()
          .equals("active");
    } catch (RemoteExecutionException.NonZeroExit e) {
      return false;
    } catch (RemoteExecutionException e) {
      throw new CheckFailedException("host-reachable", e.getMessage());
    }
  }

  MutationOutcome execute(RunContext run, String host, String dc, String command) {
    try {
      return remote.execute(run, host, dc, command, commandTimeout).outcome();
    } catch (RemoteExecutionException e) {
      throw new CheckFailedException("host-command", e.getMessage());
    }
  }

  static String quote(String text) {
    return "'" + text.replace("'", "") + "'";
  }
}
