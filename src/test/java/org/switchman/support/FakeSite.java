package org.switchman.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.switchman.infra.Mutations;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.Mutation;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.ConcurrentChangeException;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.DbMasters;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.port.RunbookLock;
import org.switchman.runbook.port.UnansweredChangeException;
import org.switchman.runbook.port.Versioned;

/**
 * Two datacenters in memory, behind every port a switchover uses, for process tests. Changes go
 * through the real {@link Mutations} choke point (so dry-run and live-test behave as in production
 * and everything is journaled); the state is plain maps a test can read and bend (a lagging
 * section, a host whose command fails).
 */
public class FakeSite implements Conftool, DnsDiscovery, DbMasters, RemoteExecutor, RunbookLock {

  public static final List<String> SERVICES = List.of("appservers-rw", "api-rw");

  /** The deployment server, where a switchover takes scap's lock. */
  public static final String DEPLOYMENT_SERVER = "deploy1001.eqiad.wmnet";

  public static final List<String> SECTIONS = List.of("s1", "s2", "s3");
  public static final List<String> DCS = List.of("eqiad", "codfw");

  /** Active/active discovery services outside MediaWiki, pooled in both DCs at reset. */
  public static final List<String> ACTIVE_ACTIVE = List.of("aqs", "restbase");

  /**
   * Active/passive discovery services outside MediaWiki, pooled in eqiad only at reset: {@code
   * releases} has the two core sites, {@code docker-registry} a third one, {@code drmrs}.
   */
  public static final List<String> ACTIVE_PASSIVE = List.of("releases", "docker-registry");

  /** The A records of the active/active records. */
  public final Map<String, java.util.SortedSet<String>> dnsAddresses = new ConcurrentHashMap<>();

  private final Mutations mutations;
  private final AtomicLong revision = new AtomicLong(1);
  public final Map<String, Boolean> pooled = new ConcurrentHashMap<>();
  public final Map<String, Integer> conftoolTtl = new ConcurrentHashMap<>();
  public final Map<String, String> dnsTarget = new ConcurrentHashMap<>();
  public final Map<String, Long> dnsTtl = new ConcurrentHashMap<>();
  public volatile String master = "eqiad";
  public final Map<String, Optional<String>> readOnly = new ConcurrentHashMap<>();
  public final Map<String, Boolean> dbReadOnly = new ConcurrentHashMap<>();
  public final Set<String> lagging = ConcurrentHashMap.newKeySet();

  /**
   * Changes that fail, by target (e.g. {@code ReadOnly/eqiad}, {@code api-rw.discovery.wmnet},
   * {@code s1.eqiad}): the exception is thrown instead of the change, until the entry is removed.
   */
  public final Map<String, RuntimeException> failingChanges = new ConcurrentHashMap<>();

  public final Map<String, String> units = new ConcurrentHashMap<>();
  public final Set<String> puppetDisabled = ConcurrentHashMap.newKeySet();
  public final List<String> commands = Collections.synchronizedList(new ArrayList<>());

  /** When each unit last became active, by {@code host/unit}. */
  public final Map<String, Instant> activeSince = new ConcurrentHashMap<>();

  /**
   * Changes after which the application "dies", by target: the change is made, then an error that
   * the choke point does not journal is thrown, as if the JVM was killed between the change and its
   * outcome entry. Removed after one use.
   */
  public final Set<String> crashAfterChange = ConcurrentHashMap.newKeySet();

  /** The same, but the application dies before the change is made. */
  public final Set<String> crashBeforeChange = ConcurrentHashMap.newKeySet();

  /**
   * Changes whose answer is lost, by target: the change is made, then the server "does not answer"
   * ({@link UnansweredChangeException}). Removed after one use.
   */
  public final Set<String> unansweredChange = ConcurrentHashMap.newKeySet();

  private final Map<String, Holder> locks = new ConcurrentHashMap<>();

  /** Forced releases not yet acknowledged. */
  private final java.util.Set<Revocation> revoked = ConcurrentHashMap.newKeySet();

  /** What a simulated crash throws: an error, which the choke point lets through unjournaled. */
  public static final class SimulatedCrash extends Error {
    public SimulatedCrash(String target) {
      super("simulated crash after the change of " + target);
    }
  }

  public FakeSite(Mutations mutations) {
    this.mutations = mutations;
    reset();
    mutations.probe(
        Mutation.Kind.SSH_COMMAND,
        new org.switchman.infra.ssh.SshCommandProbe(this, Duration.ofSeconds(5)));
    mutations.probe(
        Mutation.Kind.ETCD_WRITE,
        (m, since) ->
            m.target().startsWith("ReadOnly/")
                ? observed(
                    m.action().equals("ReadOnly=" + readOnly.get(m.target().substring(9))),
                    m.target() + " is " + readOnly.get(m.target().substring(9)))
                : Mutations.Observation.noTrace("not read back by the fake site"));
  }

  private static Mutations.Observation observed(boolean applied, String what) {
    return applied ? Mutations.Observation.applied(what) : Mutations.Observation.notApplied(what);
  }

  /** eqiad primary, codfw passive, TTL 300, maintenance running in eqiad. */
  public final void reset() {
    scapLock.set(null);
    staleSiteInfo.clear();
    for (String service : SERVICES) {
      pooled.put(service + "/eqiad", true);
      pooled.put(service + "/codfw", false);
      conftoolTtl.put(service + "/eqiad", 300);
      conftoolTtl.put(service + "/codfw", 300);
      dnsTarget.put(service, service + ".svc.eqiad.wmnet.");
      dnsTtl.put(service, 300L);
    }
    for (String service : ACTIVE_ACTIVE) {
      for (String dc : DCS) {
        pooled.put(service + "/" + dc, true);
        conftoolTtl.put(service + "/" + dc, 300);
      }
      dnsAddresses.put(
          service,
          new java.util.TreeSet<>(
              List.of(serviceAddress(service, "eqiad"), serviceAddress(service, "codfw"))));
      dnsTtl.put(service, 300L);
    }
    for (String service : ACTIVE_PASSIVE) {
      List<String> sites =
          service.equals("docker-registry") ? List.of("eqiad", "codfw", "drmrs") : DCS;
      for (String dc : sites) {
        pooled.put(service + "/" + dc, dc.equals("eqiad"));
        conftoolTtl.put(service + "/" + dc, 300);
      }
      dnsTarget.put(service, service + ".svc.eqiad.wmnet.");
      dnsTtl.put(service, 300L);
    }
    master = "eqiad";
    readOnly.put("eqiad", Optional.empty());
    readOnly.put("codfw", Optional.empty());
    for (String section : SECTIONS) {
      dbReadOnly.put(section + ".eqiad", false);
      dbReadOnly.put(section + ".codfw", true);
    }
    lagging.clear();
    failingChanges.clear();
    units.clear();
    units.put("mwmaint1001.eqiad.wmnet/mw-cron", "active");
    units.put("mwmaint2001.codfw.wmnet/mw-cron", "inactive");
    units.put("mw1001.eqiad.wmnet/envoyproxy", "active");
    units.put("mw2001.codfw.wmnet/envoyproxy", "active");
    puppetDisabled.clear();
    commands.clear();
    locks.clear();
    activeSince.clear();
    crashAfterChange.clear();
    crashBeforeChange.clear();
    unansweredChange.clear();
    downtimes.clear();
    warmUpRounds.clear();
    puppetLastRun.clear();
    revoked.clear();
    seedPools();
    resetReboots();
  }

  /** Downtimed service names, by host. */
  public final Map<String, Set<String>> downtimes = new ConcurrentHashMap<>();

  /** When puppet last ran, by host. */
  public final Map<String, Instant> puppetLastRun = new ConcurrentHashMap<>();

  private MutationOutcome apply(
      RunContext run,
      Mutation.Kind kind,
      String target,
      String dc,
      String action,
      Runnable change) {
    try {
      return mutations.apply(
          run,
          new Mutation(kind, target, dc, action),
          () -> {
            RuntimeException failure = failingChanges.get(target);
            if (failure != null) {
              throw failure;
            }
            if (crashBeforeChange.remove(target)) {
              throw new SimulatedCrash(target);
            }
            change.run();
            if (crashAfterChange.remove(target)) {
              throw new SimulatedCrash(target);
            }
            if (unansweredChange.remove(target)) {
              throw new UnansweredChangeException("no answer from the server for " + target, null);
            }
            return Mutations.Performed.of("ok");
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- conftool

  /** The jobrunners of conftool's pools, with their units active and registered. */
  public static final List<String> JOBRUNNERS =
      List.of(
          "mw1401.eqiad.wmnet",
          "mw1402.eqiad.wmnet",
          "mw1403.eqiad.wmnet",
          "mw2401.codfw.wmnet",
          "mw2402.codfw.wmnet");

  /** Conftool's pool entries, by {@code dc/cluster/service/host}. */
  public final Map<String, Versioned<PoolEntry>> pools =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  /** Work that must not be killed, by host: what {@code nrpe_long_running_jobs} reports. */
  public final Map<String, String> longJobs = new ConcurrentHashMap<>();

  /** {@code host/unit} whose registration with the proxy is lost. */
  public final Set<String> unregistered = ConcurrentHashMap.newKeySet();

  private final java.util.concurrent.atomic.AtomicLong poolRevision =
      new java.util.concurrent.atomic.AtomicLong(1);

  private final java.util.concurrent.atomic.AtomicInteger mostDepooled =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The most pool entries that read {@code no} at one time since the reset. */
  public int mostDepooledAtOnce() {
    return mostDepooled.get();
  }

  private void seedPools() {
    mostDepooled.set(0);
    pools.clear();
    unregistered.clear();
    for (String host : JOBRUNNERS) {
      String dc = host.contains(".eqiad.") ? "eqiad" : "codfw";
      pools.put(
          dc + "/jobrunner/jobrunner/" + host,
          new Versioned<>(
              new PoolEntry(dc, "jobrunner", "jobrunner", host, "yes", 10),
              poolRevision.incrementAndGet()));
      units.put(host + "/jobrunner", "active");
      units.put(host + "/jobchron", "active");
    }
    // one cassandra host, whose restarts need an approval
    pools.put(
        "eqiad/aqs/aqs/aqs1001.eqiad.wmnet",
        new Versioned<>(
            new PoolEntry("eqiad", "aqs", "aqs", "aqs1001.eqiad.wmnet", "yes", 10),
            poolRevision.incrementAndGet()));
    units.put("aqs1001.eqiad.wmnet/cassandra", "active");
    // one videoscaler and one maintenance host, restarted after every deploy
    pools.put(
        "eqiad/videoscaler/videoscaler/mw1501.eqiad.wmnet",
        new Versioned<>(
            new PoolEntry("eqiad", "videoscaler", "videoscaler", "mw1501.eqiad.wmnet", "yes", 10),
            poolRevision.incrementAndGet()));
    units.put("mw1501.eqiad.wmnet/jobrunner", "active");
    pools.put(
        "eqiad/maintenance/mwmaint/mwmaint1001.eqiad.wmnet",
        new Versioned<>(
            new PoolEntry(
                "eqiad", "maintenance", "mwmaint", "mwmaint1001.eqiad.wmnet", "inactive", 1),
            poolRevision.incrementAndGet()));
    longJobs.clear();
  }

  /** How often a unit was restarted on a host, as the commands the site ran say. */
  public long restarts(String host, String unit) {
    return commands.stream()
        .filter(command -> command.equals(host + ": systemctl restart " + unit))
        .count();
  }

  /** Whether conftool has the host pooled for jobrunner. */
  public String pooled(String host) {
    return pooled(host, "jobrunner", "jobrunner");
  }

  /** Whether conftool has the host pooled in a service of a cluster. */
  public String pooled(String host, String cluster, String service) {
    String dc = host.contains(".eqiad.") ? "eqiad" : "codfw";
    return pools.get(dc + "/" + cluster + "/" + service + "/" + host).value().pooled();
  }

  @Override
  public Optional<Versioned<PoolEntry>> poolEntry(
      String dc, String cluster, String service, String host) {
    return Optional.ofNullable(pools.get(dc + "/" + cluster + "/" + service + "/" + host));
  }

  @Override
  public List<Versioned<PoolEntry>> pool(String dc, String cluster, String service) {
    String prefix = dc + "/" + cluster + "/" + service + "/";
    return pools.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .toList();
  }

  @Override
  public List<Versioned<PoolEntry>> cluster(String dc, String cluster) {
    String prefix = dc + "/" + cluster + "/";
    return pools.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .toList();
  }

  @Override
  public List<Versioned<PoolEntry>> datacenter(String dc) {
    return pools.entrySet().stream()
        .filter(e -> e.getKey().startsWith(dc + "/"))
        .map(Map.Entry::getValue)
        .toList();
  }

  @Override
  public MutationOutcome setPoolEntry(
      RunContext run, Versioned<PoolEntry> current, String p, int w) {
    PoolEntry entry = current.value();
    String key = entry.dc() + "/" + entry.cluster() + "/" + entry.service() + "/" + entry.host();
    return apply(
        run,
        Mutation.Kind.ETCD_WRITE,
        "pools/" + key,
        entry.dc(),
        "pooled=" + p,
        () -> {
          synchronized (pools) {
            long actual = pools.get(key).revision();
            if (actual != current.revision()) {
              throw new ConcurrentChangeException(key, current.revision(), actual);
            }
            pools.put(
                key,
                new Versioned<>(
                    new PoolEntry(entry.dc(), entry.cluster(), entry.service(), entry.host(), p, w),
                    poolRevision.incrementAndGet()));
            int depooled =
                (int) pools.values().stream().filter(v -> v.value().pooled().equals("no")).count();
            mostDepooled.accumulateAndGet(depooled, Math::max);
          }
        });
  }

  @Override
  public Optional<Versioned<DiscoveryState>> discovery(String service, String dc) {
    Boolean p = pooled.get(service + "/" + dc);
    return p == null
        ? Optional.empty()
        : Optional.of(
            new Versioned<>(
                new DiscoveryState(service, dc, p, conftoolTtl.get(service + "/" + dc)),
                revision.get()));
  }

  @Override
  public List<Versioned<DiscoveryState>> discoveryObjects() {
    List<Versioned<DiscoveryState>> all = new ArrayList<>();
    new java.util.TreeSet<>(pooled.keySet())
        .forEach(key -> discovery(key.split("/")[0], key.split("/")[1]).ifPresent(all::add));
    return all;
  }

  @Override
  public MutationOutcome setDiscovery(
      RunContext run, Versioned<DiscoveryState> current, boolean p, int ttl) {
    String key = current.value().service() + "/" + current.value().dc();
    return apply(
        run,
        Mutation.Kind.ETCD_WRITE,
        "/conftool/v1/discovery/" + key,
        current.value().dc(),
        "pooled=" + p + " ttl=" + ttl,
        () -> {
          pooled.put(key, p);
          conftoolTtl.put(key, ttl);
        });
  }

  @Override
  public Versioned<String> masterDatacenter() {
    return new Versioned<>(master, revision.get());
  }

  @Override
  public MutationOutcome setMasterDatacenter(RunContext run, Versioned<String> current, String dc) {
    return apply(
        run,
        Mutation.Kind.ETCD_WRITE,
        "WMFMasterDatacenter",
        master,
        "WMFMasterDatacenter=" + dc,
        () -> master = dc);
  }

  @Override
  public Versioned<Optional<String>> readOnly(String dc) {
    return new Versioned<>(readOnly.get(dc), revision.get());
  }

  @Override
  public MutationOutcome setReadOnly(
      RunContext run, String dc, Versioned<Optional<String>> current, Optional<String> reason) {
    return apply(
        run,
        Mutation.Kind.ETCD_WRITE,
        "ReadOnly/" + dc,
        dc,
        "ReadOnly=" + reason,
        () -> readOnly.put(dc, reason));
  }

  // ---------------------------------------------------------------- DNS

  @Override
  public DiscoveryRecord read(String service) {
    return new DiscoveryRecord(service, dnsTarget.get(service), dnsTtl.get(service));
  }

  @Override
  public MutationOutcome setTtl(RunContext run, DiscoveryRecord current, long ttlSeconds) {
    return apply(
        run,
        Mutation.Kind.DNS_UPDATE,
        current.service() + ".discovery.wmnet",
        null,
        "TTL " + ttlSeconds,
        () -> dnsTtl.put(current.service(), ttlSeconds));
  }

  @Override
  public MutationOutcome setTarget(RunContext run, DiscoveryRecord current, String target) {
    String dc = target.split("\\.")[2];
    return apply(
        run,
        Mutation.Kind.DNS_UPDATE,
        current.service() + ".discovery.wmnet",
        dc,
        "CNAME " + target,
        () -> dnsTarget.put(current.service(), target));
  }

  @Override
  public ServedAddresses addresses(String service) {
    java.util.SortedSet<String> addresses = dnsAddresses.get(service);
    if (addresses == null) {
      throw new org.switchman.runbook.CheckFailedException(
          "discovery-record-exists", service + ".discovery.wmnet has no A records");
    }
    return new ServedAddresses(service, addresses, dnsTtl.get(service));
  }

  /** {@code 10.2.2.N} in eqiad, {@code 10.2.1.N} in codfw, {@code 10.2.9.N} elsewhere. */
  @Override
  public String serviceAddress(String service, String dc) {
    String net = dc.equals("eqiad") ? "10.2.2." : dc.equals("codfw") ? "10.2.1." : "10.2.9.";
    return net + (1 + Math.floorMod(service.hashCode(), 200));
  }

  @Override
  public MutationOutcome setAddresses(
      RunContext run, ServedAddresses current, java.util.Set<String> addresses) {
    java.util.SortedSet<String> sorted = new java.util.TreeSet<>(addresses);
    return apply(
        run,
        Mutation.Kind.DNS_UPDATE,
        current.service() + ".discovery.wmnet",
        null,
        "A " + String.join(" ", sorted),
        () -> dnsAddresses.put(current.service(), sorted));
  }

  // ---------------------------------------------------------------- DB masters

  @Override
  public boolean isReadOnly(String section, String dc) {
    return dbReadOnly.get(section + "." + dc);
  }

  @Override
  public MutationOutcome setReadOnly(RunContext run, String section, String dc, boolean ro) {
    return apply(
        run,
        Mutation.Kind.SQL,
        section + "." + dc,
        dc,
        "SET GLOBAL read_only=" + (ro ? 1 : 0),
        () -> dbReadOnly.put(section + "." + dc, ro));
  }

  @Override
  public String gtidPosition(String section, String dc) {
    return "0-1-1";
  }

  @Override
  public Optional<Instant> newestHeartbeat(String section, String readOnDc, String writtenByDc) {
    return Optional.of(Instant.now());
  }

  @Override
  public boolean readsEdits() {
    return true;
  }

  /** MediaWiki writes to a master while it is writable: its newest edit is now, else long ago. */
  @Override
  public Optional<Instant> newestEdit(String section, String dc) {
    return Optional.of(
        Boolean.FALSE.equals(dbReadOnly.get(section + "." + dc)) ? Instant.now() : Instant.EPOCH);
  }

  @Override
  public ReplicationStatus replication(String section, String dc) {
    return new ReplicationStatus(
        section, dc, true, true, lagging.contains(section) ? 30L : 0L, null);
  }

  @Override
  public Instant awaitCaughtUp(
      String section, String fromDc, String toDc, int attempts, Duration interval) {
    if (lagging.contains(section)) {
      throw new CheckFailedException(
          "replication-caught-up", "The " + toDc + " master of " + section + " has not caught up");
    }
    return Instant.now();
  }

  // ---------------------------------------------------------------- SSH

  @Override
  public CommandResult query(String host, String command, Duration timeout) {
    commands.add(host + ": " + command);
    if (down.contains(host)) {
      throw new org.switchman.runbook.port.RemoteExecutionException.Unreachable(
          host, "connection timed out", null);
    }
    if (command.equals(org.switchman.runbook.switchover.SiteInfo.COMMAND)) {
      String frozen = staleSiteInfo.get(host);
      return new CommandResult(
          host, command, 0, frozen != null ? frozen : siteInfo(host), "", "SHA256:fake", 1);
    }
    if (command.equals("cat /proc/sys/kernel/random/boot_id")) {
      return new CommandResult(host, command, 0, bootId(host) + "\n", "", "SHA256:fake", 1);
    }
    if (command.equals("date +%z")) {
      return new CommandResult(
          host, command, 0, offsets.getOrDefault(host, "+0000") + "\n", "", "SHA256:fake", 1);
    }
    if (command.equals("bos status " + host + " -long")) {
      String said =
          salvaging.contains(host)
              ? "Instance fs, (type is fs) temporarily disabled, currently shutdown.\n"
                  + "    Auxiliary status is: salvaging file system.\n"
              : "Instance fs, (type is fs) currently running normally.\n"
                  + "    Auxiliary status is: file server running.\n"
                  + "    Process last started at "
                  + BOS.withZone(java.time.ZoneOffset.of(offsets.getOrDefault(host, "+0000")))
                      .format(
                          fileServerSince.getOrDefault(
                              host,
                              bootedAt.getOrDefault(host, Instant.parse("2026-11-01T00:00:00Z"))))
                  + " (1 proc starts)\n";
      return new CommandResult(host, command, 0, said, "", "SHA256:fake", 1);
    }
    if (command.equals("domtool-test-config") && smokeFailures.containsKey(host)) {
      throw new org.switchman.runbook.port.RemoteExecutionException.NonZeroExit(
          new CommandResult(
              host, command, 1, smokeFailures.get(host) + "\n", "", "SHA256:fake", 1));
    }
    if (command.startsWith("systemctl is-active ")) {
      String state = units.getOrDefault(host + "/" + command.substring(20), "inactive");
      if (!state.equals("active")) {
        throw new org.switchman.runbook.port.RemoteExecutionException.NonZeroExit(
            new CommandResult(host, command, 3, state, "", "SHA256:fake", 1));
      }
      return new CommandResult(host, command, 0, "active\n", "", "SHA256:fake", 1);
    }
    if (command.startsWith("systemctl show ") && command.contains("-p ActiveEnterTimestamp ")) {
      Instant since = activeSince.get(host + "/" + command.substring(command.lastIndexOf(' ') + 1));
      return new CommandResult(
          host,
          command,
          0,
          "ActiveEnterTimestamp=" + (since == null ? "" : "@" + since.getEpochSecond()) + "\n",
          "",
          "SHA256:fake",
          1);
    }
    if (command.equals("nodetool status")) {
      return new CommandResult(
          host,
          command,
          0,
          "Datacenter: "
              + host.split("\\.")[1]
              + "\n"
              + "--  Address    Load     Tokens  Owns  Host ID  Rack\n"
              + "UN  10.64.0.1  1.2 GiB  256     100%  6f1c     rack1\n",
          "",
          "SHA256:fake",
          1);
    }
    if (command.equals("nodetool compactionstats")) {
      return new CommandResult(host, command, 0, "pending tasks: 0\n", "", "SHA256:fake", 1);
    }
    if (command.equals("/usr/local/bin/nrpe_long_running_jobs")) {
      String job = longJobs.get(host);
      if (job != null) {
        throw new org.switchman.runbook.port.RemoteExecutionException.NonZeroExit(
            new CommandResult(
                host,
                command,
                2,
                "CRITICAL - 1 job that must not be killed is running: " + job + "\n",
                "",
                "SHA256:fake",
                1));
      }
      return new CommandResult(
          host, command, 0, "OK - no long-running job\n", "", "SHA256:fake", 1);
    }
    if (command.startsWith("check-service-registration ")) {
      String unit = command.substring(27);
      if (unregistered.contains(host + "/" + unit)) {
        throw new org.switchman.runbook.port.RemoteExecutionException.NonZeroExit(
            new CommandResult(
                host,
                command,
                2,
                unit + ": NOT registered with the proxy\n",
                "",
                "SHA256:fake",
                1));
      }
      return new CommandResult(host, command, 0, unit + ": registered\n", "", "SHA256:fake", 1);
    }
    if (command.equals("puppet-enabled")) {
      boolean enabled = !puppetDisabled.contains(host);
      CommandResult answer =
          new CommandResult(
              host, command, enabled ? 0 : 1, enabled ? "yes\n" : "no\n", "", "SHA256:fake", 1);
      if (!enabled) {
        throw new org.switchman.runbook.port.RemoteExecutionException.NonZeroExit(answer);
      }
      return answer;
    }
    if (command.equals("downtimes")) {
      return new CommandResult(
          host,
          command,
          0,
          String.join("\n", downtimes.getOrDefault(host, Set.of())),
          "",
          "SHA256:fake",
          1);
    }
    if (command.startsWith("cat ") && command.endsWith("last_run_summary.yaml")) {
      Instant last = puppetLastRun.get(host);
      return new CommandResult(
          host,
          command,
          0,
          last == null ? "" : "time:\n  last_run: " + last.getEpochSecond() + "\n",
          "",
          "SHA256:fake",
          1);
    }
    return new CommandResult(host, command, 0, "", "", "SHA256:fake", 1);
  }

  @Override
  public CommandOutcome execute(
      RunContext run, String host, String datacenter, String command, Duration timeout) {
    MutationOutcome outcome =
        apply(
            run,
            Mutation.Kind.SSH_COMMAND,
            host,
            datacenter,
            command,
            () -> {
              commands.add(host + ": " + command);
              String[] words = command.split(" ");
              if (words[0].equals("systemctl") && words.length == 3) {
                String unit = host + "/" + words[2];
                if (words[1].equals("stop") && stuckUnits.contains(unit)) {
                  return;
                }
                Integer failing = failingStarts.get(unit);
                if (!words[1].equals("stop") && failing != null && failing > 0) {
                  failingStarts.put(unit, failing - 1);
                  units.put(unit, "failed");
                  throw new org.switchman.runbook.port.RemoteExecutionException.NonZeroExit(
                      new CommandResult(
                          host,
                          command,
                          1,
                          "Job for " + words[2] + ".service failed.\n",
                          "",
                          "SHA256:fake",
                          1));
                }
                units.put(unit, words[1].equals("stop") ? "inactive" : "active");
                if (!words[1].equals("stop")) {
                  activeSince.put(unit, Instant.now());
                }
              } else if (words[0].equals("reboot")) {
                reboot(host);
              } else if (words[0].equals("run-puppet-agent")) {
                puppetLastRun.put(host, Instant.now());
              } else if (words[0].equals("downtime-service")
                  || words[0].equals("remove-downtime")) {
                String name = command.split("'")[1];
                Set<String> names =
                    downtimes.computeIfAbsent(host, h -> ConcurrentHashMap.newKeySet());
                if (words[0].equals("downtime-service")) {
                  names.add(name);
                } else {
                  names.remove(name);
                }
              } else if (words[0].equals("scap")) {
                String message = command.split("'")[1];
                String held = scapLock.get();
                if (held != null && !held.equals(message)) {
                  throw new org.switchman.runbook.port.RemoteExecutionException.NonZeroExit(
                      new CommandResult(
                          host,
                          command,
                          1,
                          "",
                          "Failed to acquire lock; owner is \"" + held + "\"\n",
                          "SHA256:fake",
                          1));
                }
                scapLock.set(words[1].equals("lock") ? message : null);
              } else if (words[0].equals("disable-puppet")) {
                puppetDisabled.add(host);
              } else if (words[0].equals("enable-puppet")) {
                puppetDisabled.remove(host);
              }
            });
    String said = "";
    if (outcome == MutationOutcome.PERFORMED && command.contains("warmup.py")) {
      // each round of a warm-up faster than the one before, until it settles at 0.50 s
      int round = warmUpRounds.merge(host + ": " + command, 1, Integer::sum);
      double[] times = {2.40, 1.10, 0.52, 0.50};
      said =
          String.format(
              java.util.Locale.ROOT,
              "warmup: 6 iterations, last %.2f s%n",
              times[Math.min(round, times.length) - 1]);
    }
    return new CommandOutcome(
        outcome,
        outcome == MutationOutcome.PERFORMED
            ? new CommandResult(host, command, 0, said, "", "SHA256:fake", 1)
            : null);
  }

  /** The application servers whose MediaWiki no longer reads etcd: their frozen siteinfo. */
  public final Map<String, String> staleSiteInfo = new ConcurrentHashMap<>();

  /** MediaWiki on the host stops reading etcd: its siteinfo keeps what it answers now. */
  public void freezeSiteInfo(String host) {
    staleSiteInfo.put(host, siteInfo(host));
  }

  /** The siteinfo of an application server: its datacenter's ReadOnly and the master. */
  private String siteInfo(String host) {
    String dc = host.contains(".codfw.") ? "codfw" : "eqiad";
    Optional<String> reason = readOnly.getOrDefault(dc, Optional.empty());
    return "{\"batchcomplete\":true,\"query\":{\"general\":{\"readonly\":"
        + reason.isPresent()
        + reason.map(r -> ",\"readonlyreason\":\"" + r.replace("\"", "\\\"") + "\"").orElse("")
        + ",\"wmf-config\":{\"wmfMasterDatacenter\":\""
        + master
        + "\"}}}}\n";
  }

  /** The message of scap's global lock on the deployment server; {@code null} when not held. */
  public final java.util.concurrent.atomic.AtomicReference<String> scapLock =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** How many rounds each warm-up ran, by {@code host: command}. */
  public final Map<String, Integer> warmUpRounds = new ConcurrentHashMap<>();

  // ---------------------------------------------------------------- reboots

  /** The file server of the reboot tests, in cluster fileserver of eqiad, pool afs. */
  public static final String FILESERVER = "afs1001.eqiad.wmnet";

  /** Its units, in start order. */
  public static final List<String> FILESERVER_UNITS =
      List.of(
          "openafs-fileserver", "nscd", "mysql", "postgresql", "apache2", "domtool-server", "cron");

  /** The web servers that depend on it (cluster webserver, pool apache2). */
  public static final List<String> WEBSERVERS =
      List.of("web1001.eqiad.wmnet", "web1002.eqiad.wmnet");

  private static final java.time.format.DateTimeFormatter BOS =
      java.time.format.DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", java.util.Locale.US)
          .withZone(java.time.ZoneOffset.UTC);

  /** Each host's boot id, new at every reboot; hosts not listed keep one derived from the name. */
  public final Map<String, String> bootIds = new ConcurrentHashMap<>();

  /** Each host's UTC offset ({@code date +%z}), in which {@code bos} prints; default UTC. */
  public final Map<String, String> offsets = new ConcurrentHashMap<>();

  /** A host's boot id. */
  public String bootId(String host) {
    return bootIds.computeIfAbsent(
        host,
        h ->
            java.util
                .UUID
                .nameUUIDFromBytes(h.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString());
  }

  /** When each host last booted; hosts not listed booted long ago. */
  public final Map<String, Instant> bootedAt = new ConcurrentHashMap<>();

  /** Hosts that do not answer. */
  public final Set<String> down = ConcurrentHashMap.newKeySet();

  /** Hosts whose next reboot does not come back: they stay down. */
  public final Set<String> neverBack = ConcurrentHashMap.newKeySet();

  /** Hosts whose next reboot is unclean: the file server salvages after the boot. */
  public final Set<String> uncleanBoot = ConcurrentHashMap.newKeySet();

  /** Hosts whose file server salvages now ({@code bos status}). */
  public final Set<String> salvaging = ConcurrentHashMap.newKeySet();

  /** Since when each host's file server serves, when not since the boot. */
  public final Map<String, Instant> fileServerSince = new ConcurrentHashMap<>();

  /** How many more starts of a {@code host/unit} fail. */
  public final Map<String, Integer> failingStarts = new ConcurrentHashMap<>();

  /** {@code host/unit}s that a stop leaves active. */
  public final Set<String> stuckUnits = ConcurrentHashMap.newKeySet();

  /** Hosts whose smoke test ({@code domtool-test-config}) fails, with what it says. */
  public final Map<String, String> smokeFailures = new ConcurrentHashMap<>();

  /** Ends a host's salvage: its file server serves from a few seconds after now. */
  public void finishSalvage(String host) {
    salvaging.remove(host);
    fileServerSince.put(host, Instant.now().plusSeconds(2));
  }

  /** How often a host was asked to reboot. */
  public long reboots(String host) {
    return commands.stream()
        .filter(c -> c.equals(host + ": reboot") || c.equals(host + ": reboot -f"))
        .count();
  }

  /**
   * A reboot: the host comes back a second later with its units started at boot (a unit whose
   * starts fail comes back failed), salvaging when its boot is unclean; or never.
   */
  private void reboot(String host) {
    if (neverBack.contains(host)) {
      down.add(host);
      return;
    }
    Instant boot = Instant.now().plusSeconds(1);
    bootedAt.put(host, boot);
    bootIds.put(host, java.util.UUID.randomUUID().toString());
    fileServerSince.remove(host);
    units.keySet().stream()
        .filter(key -> key.startsWith(host + "/"))
        .toList()
        .forEach(
            key -> {
              units.put(key, failingStarts.getOrDefault(key, 0) > 0 ? "failed" : "active");
              activeSince.put(key, boot);
            });
    if (uncleanBoot.contains(host)) {
      salvaging.add(host);
    }
  }

  private void resetReboots() {
    bootedAt.clear();
    bootIds.clear();
    offsets.clear();
    down.clear();
    neverBack.clear();
    uncleanBoot.clear();
    salvaging.clear();
    fileServerSince.clear();
    failingStarts.clear();
    stuckUnits.clear();
    smokeFailures.clear();
    Instant longAgo = Instant.parse("2026-11-01T00:00:00Z");
    pools.put(
        "eqiad/fileserver/afs/" + FILESERVER,
        new Versioned<>(
            new PoolEntry("eqiad", "fileserver", "afs", FILESERVER, "yes", 10),
            poolRevision.incrementAndGet()));
    for (String unit : FILESERVER_UNITS) {
      units.put(FILESERVER + "/" + unit, "active");
      activeSince.put(FILESERVER + "/" + unit, longAgo);
    }
    for (String web : WEBSERVERS) {
      pools.put(
          "eqiad/webserver/apache2/" + web,
          new Versioned<>(
              new PoolEntry("eqiad", "webserver", "apache2", web, "yes", 10),
              poolRevision.incrementAndGet()));
      for (String unit : List.of("nscd", "apache2", "domtool-slave")) {
        units.put(web + "/" + unit, "active");
        activeSince.put(web + "/" + unit, longAgo);
      }
    }
  }

  // ---------------------------------------------------------------- locks

  @Override
  public synchronized boolean acquire(
      String runbook, String target, Holder holder, int max, Duration ttl) {
    Holder current = locks.get(runbook + "/" + target);
    if (current != null && current.runId().equals(holder.runId())) {
      return false;
    }
    if (revoked.contains(new Revocation(runbook, target, holder.runId()))) {
      throw new LockRevokedException(
          runbook, target, holder.runId(), current == null ? List.of() : List.of(current));
    }
    if (current != null) {
      throw new LockHeldException(runbook, target, List.of(current));
    }
    locks.put(runbook + "/" + target, holder);
    return true;
  }

  @Override
  public synchronized void release(String runbook, String target, String runId) {
    locks.computeIfPresent(runbook + "/" + target, (k, h) -> h.runId().equals(runId) ? null : h);
  }

  @Override
  public synchronized void forceRelease(String runbook, String target, String runId) {
    revoked.add(new Revocation(runbook, target, runId));
    release(runbook, target, runId);
  }

  @Override
  public void forgetRevocation(String runbook, String target, String runId) {
    revoked.remove(new Revocation(runbook, target, runId));
  }

  @Override
  public List<String> revoked(String runbook, String target) {
    return revoked.stream()
        .filter(r -> r.runbook().equals(runbook) && r.target().equals(target))
        .map(Revocation::runId)
        .toList();
  }

  @Override
  public List<Revocation> revocations() {
    return List.copyOf(revoked);
  }

  @Override
  public List<Holder> holders(String runbook, String target) {
    Holder h = locks.get(runbook + "/" + target);
    return h == null ? List.of() : List.of(h);
  }

  @Override
  public List<HeldLock> locks() {
    List<HeldLock> all = new ArrayList<>();
    locks.forEach(
        (k, h) ->
            all.add(new HeldLock(k.split("/")[0], k.split("/")[1], h, Duration.ofSeconds(60))));
    return all;
  }

  /** The topology settings matching this site, for {@code switchman.switchover.*}. */
  public static Map<String, String> settings() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("switchman.switchover.services", String.join(",", SERVICES));
    p.put("switchman.db.sections", String.join(",", SECTIONS));
    p.put("switchman.switchover.maintenance-hosts.eqiad", "mwmaint1001.eqiad.wmnet");
    p.put("switchman.switchover.maintenance-hosts.codfw", "mwmaint2001.codfw.wmnet");
    p.put("switchman.switchover.jobrunners.eqiad", "mw1001.eqiad.wmnet");
    p.put("switchman.switchover.jobrunners.codfw", "mw2001.codfw.wmnet");
    p.put("switchman.switchover.db-master-hosts.eqiad", "db1001.eqiad.wmnet");
    p.put("switchman.switchover.db-master-hosts.codfw", "db2001.codfw.wmnet");
    p.put("switchman.switchover.deployment-server", DEPLOYMENT_SERVER);
    p.put("switchman.switchover.siteinfo-hosts.eqiad", "mw1005.eqiad.wmnet");
    p.put("switchman.switchover.siteinfo-hosts.codfw", "mw2005.codfw.wmnet");
    // a stale siteinfo fails its step after a second, not the production 15 s
    p.put("switchman.switchover.siteinfo-wait", "PT1S");
    return p;
  }
}
