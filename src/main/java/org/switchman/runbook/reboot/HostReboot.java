package org.switchman.runbook.reboot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.OutcomeUnknown;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.port.Versioned;
import org.switchman.runbook.restart.FilesystemRecovery;
import org.switchman.runbook.restart.HostCheck;
import org.switchman.runbook.restart.HostProfile;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.RestartPlan;
import org.switchman.runbook.restart.SystemdTime;

/**
 * The steps of rebooting one host as its profile ({@link HostProfile}) says, each a call of its own
 * so that a diagram can put its timers between them (the grace after the depool, the polls of the
 * boot and of the recovery).
 *
 * <p>Pools are change-and-revert, as in {@link HostRestart}: {@link #toDepool} only reads, the
 * caller keeps what it returned before {@link #depool} changes anything, and {@link #repool} sets
 * back exactly those entries. Every command that changes the host goes through {@link
 * RemoteExecutor#execute} (journaled; in dry-run journaled as "would: …" and not run); reads go
 * through {@link RemoteExecutor#query} in every mode. Each step may run again after a crash:
 * stopping a stopped unit, starting an active one and repooling a pooled entry do nothing; the
 * caller makes sure the reboot itself is asked for once ({@link #reboot}).
 */
public final class HostReboot {

  /** The Icinga downtime a reboot sets on the host, and removes when the host serves again. */
  public static final String DOWNTIME = "host";

  /**
   * The most other hosts one reboot restarts dependents on: a profile whose dependents span more is
   * refused when a run starts, since one step restarts them all.
   */
  public static final int MAX_DEPENDENT_HOSTS = 16;

  private static final String BOOT_ID = "cat /proc/sys/kernel/random/boot_id";
  private static final java.util.regex.Pattern BOOT_ID_FORMAT =
      java.util.regex.Pattern.compile(
          "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final RemoteExecutor remote;
  private final Conftool conftool;
  private final HostRestart pools;
  private final Duration commandTimeout;

  public HostReboot(RemoteExecutor remote, Conftool conftool, Duration commandTimeout) {
    this.remote = remote;
    this.conftool = conftool;
    this.pools = new HostRestart(remote, conftool, commandTimeout);
    this.commandTimeout = commandTimeout;
  }

  /**
   * Where conftool has the host: its datacenter and its one cluster. Only reads.
   *
   * @throws InvalidRequestException when conftool has no entry for the host in its datacenter, or
   *     has it in several clusters
   */
  public RestartPlan.Host locate(HostRebootRequest request) {
    Set<String> clusters = new TreeSet<>();
    for (Versioned<Conftool.PoolEntry> entry : conftool.datacenter(request.dc())) {
      if (entry.value().host().equals(request.host())) {
        clusters.add(entry.value().cluster());
      }
    }
    if (clusters.size() != 1) {
      throw new InvalidRequestException(
          HostRebootRequest.RUNBOOK,
          List.of(
              clusters.isEmpty()
                  ? request.host() + " is in no conftool pool of " + request.dc()
                  : request.host() + " is in several conftool clusters " + clusters));
    }
    return new RestartPlan.Host(request.host(), request.dc(), clusters.iterator().next());
  }

  /** The host's pool entries that are pooled now, of the profile's services. Only reads. */
  public List<HostRestart.PoolSlot> toDepool(HostProfile profile, RestartPlan.Host host) {
    return pools.toDepool(profile.depoolFrom(), host);
  }

  /** Takes the host out of those entries ({@link HostRestart#depool}). */
  public MutationOutcome depool(RunContext run, List<HostRestart.PoolSlot> slots) {
    return pools.depool(run, slots);
  }

  /** Puts the host back in exactly those entries ({@link HostRestart#repool}). */
  public HostRestart.Repool repool(RunContext run, List<HostRestart.PoolSlot> slots) {
    return pools.repool(run, slots);
  }

  /** Silences the host's alerts for the profile's downtime. */
  public MutationOutcome downtime(
      RunContext run, HostProfile profile, RestartPlan.Host host, String ticket) {
    return pools.execute(
        run,
        host,
        "downtime-service "
            + quote(DOWNTIME)
            + " "
            + profile.downtime().toSeconds()
            + " "
            + quote(HostRebootRequest.RUNBOOK + " " + ticket));
  }

  /** Lets the host's alerts page again. */
  public MutationOutcome endDowntime(RunContext run, RestartPlan.Host host) {
    return pools.execute(run, host, "remove-downtime " + quote(DOWNTIME));
  }

  /**
   * Stops each unit, in the order given, and verifies that it is really down (reference 002: a
   * service improperly started may not stop cleanly).
   *
   * @throws CheckFailedException {@code service-down} naming a unit still active after its stop
   */
  public void stop(RunContext run, RestartPlan.Host host, List<String> units) {
    for (String unit : units) {
      MutationOutcome outcome = pools.execute(run, host, "systemctl stop " + unit);
      if (outcome == MutationOutcome.PERFORMED && active(host, unit)) {
        throw new CheckFailedException(
            "service-down",
            host.fqdn() + ": " + unit + " is still active after 'systemctl stop " + unit + "'");
      }
    }
  }

  /**
   * Asks the host to reboot: {@code reboot}, or {@code reboot -f} for a host that cannot shut down
   * cleanly. A session that ends without an exit status, or whose answer is lost, is the host going
   * down, not a failure: the wait for a new boot says whether it rebooted.
   *
   * @throws CheckFailedException {@code command-succeeded} when the host refuses with an exit
   *     status
   * @throws RemoteExecutionException when the host could not be asked (unreachable, refused)
   */
  public MutationOutcome reboot(RunContext run, RestartPlan.Host host, boolean clean) {
    String command = clean ? "reboot" : "reboot -f";
    try {
      return remote.execute(run, host.fqdn(), host.dc(), command, commandTimeout).outcome();
    } catch (RemoteExecutionException.NonZeroExit e) {
      if (e.result().exitCode() < 0) {
        return MutationOutcome.PERFORMED;
      }
      throw new CheckFailedException(
          "command-succeeded",
          host.fqdn()
              + ": '"
              + command
              + "' failed: "
              + (e.result().stdout() + "\n" + e.result().stderr()).strip());
    } catch (RemoteExecutionException e) {
      if (e instanceof OutcomeUnknown) {
        return MutationOutcome.PERFORMED;
      }
      throw e;
    }
  }

  /**
   * The host's boot id ({@code /proc/sys/kernel/random/boot_id}), new at every boot: whether the
   * host rebooted is told by it, never by comparing the host's clock with Switchman's. Empty while
   * the host does not answer.
   */
  public Optional<String> bootId(RestartPlan.Host host) {
    try {
      String id = remote.query(host.fqdn(), BOOT_ID, commandTimeout).stdout().strip();
      if (!BOOT_ID_FORMAT.matcher(id).matches()) {
        throw new IllegalStateException(
            host.fqdn() + ": '" + BOOT_ID + "' said '" + id + "', not a boot id");
      }
      return Optional.of(id);
    } catch (RemoteExecutionException.NonZeroExit e) {
      if (e.result().exitCode() < 0 || e.result().exitCode() == 255) {
        // the session ended without an exit status, or with ssh's own: the host is going down
        return Optional.empty();
      }
      throw new IllegalStateException(
          host.fqdn() + ": '" + BOOT_ID + "' failed: " + e.result().stderr().strip(), e);
    } catch (RemoteExecutionException down) {
      return Optional.empty();
    }
  }

  /** Where the profile's recovery stands on the host. */
  public FilesystemRecovery.State recovery(HostProfile profile, RestartPlan.Host host) {
    return profile.recovery().read(remote, host.fqdn(), commandTimeout);
  }

  /**
   * The units, of those given, that are active and became active before an instant: started before
   * the filesystem was available, so started without it. Only reads.
   */
  public List<String> startedBefore(RestartPlan.Host host, List<String> units, Instant instant) {
    List<String> early = new ArrayList<>();
    for (String unit : units) {
      if (!active(host, unit)) {
        continue;
      }
      String said =
          remote
              .query(
                  host.fqdn(),
                  "systemctl show --timestamp=unix -p ActiveEnterTimestamp " + unit,
                  commandTimeout)
              .stdout();
      Instant started = SystemdTime.ofProperty(said);
      if (started == null) {
        // active, but since an unknown time: it may have started without the filesystem
        early.add(unit);
        continue;
      }
      if (started.isBefore(instant)) {
        early.add(unit);
      }
    }
    return early;
  }

  /**
   * Starts a unit that is not active, and verifies it is; a unit known to need several starts gets
   * up to the profile's number, each start journaled. An active unit is left as it is.
   *
   * @param attempt told of each start that did not leave the unit active, with what it said
   * @return the starts it took: 0 when the unit was active already
   * @throws CheckFailedException {@code service-started} when the unit is not active after its last
   *     start
   */
  public int start(
      RunContext run,
      HostProfile profile,
      RestartPlan.Host host,
      String unit,
      Consumer<String> attempt) {
    return start(run, host, unit, profile.attempts(unit), attempt);
  }

  /**
   * Starts a unit that is not active, up to {@code most} times, as {@link #start(RunContext,
   * HostProfile, RestartPlan.Host, String, Consumer)} does.
   */
  public int start(
      RunContext run, RestartPlan.Host host, String unit, int most, Consumer<String> attempt) {
    if (active(host, unit)) {
      return 0;
    }
    String last = "";
    for (int n = 1; n <= most; n++) {
      try {
        MutationOutcome outcome = pools.execute(run, host, "systemctl start " + unit);
        if (outcome != MutationOutcome.PERFORMED || active(host, unit)) {
          return n;
        }
        last = unit + " is not active after the start";
      } catch (CheckFailedException failed) {
        last = failed.getMessage();
      }
      attempt.accept("start " + n + " of " + most + " failed: " + last);
    }
    throw new CheckFailedException(
        "service-started",
        host.fqdn()
            + ": "
            + unit
            + " is not active after "
            + most
            + (most == 1 ? " start" : " starts")
            + ": "
            + last);
  }

  /** Restarts a unit on a host. */
  public MutationOutcome restart(RunContext run, RestartPlan.Host host, String unit) {
    return pools.execute(run, host, "systemctl restart " + unit);
  }

  /**
   * The other hosts of each dependent's cluster in the host's datacenter, as conftool knows them,
   * with the unit to restart on each. Only reads.
   */
  public List<Dependent> dependents(HostProfile profile, RestartPlan.Host host) {
    List<Dependent> dependents = new ArrayList<>();
    for (HostProfile.Dependent dependent : profile.restartElsewhere()) {
      conftool.cluster(host.dc(), dependent.cluster()).stream()
          .map(entry -> entry.value().host())
          .filter(fqdn -> !fqdn.equals(host.fqdn()))
          .distinct()
          .sorted()
          .forEach(
              fqdn ->
                  dependents.add(
                      new Dependent(
                          new RestartPlan.Host(fqdn, host.dc(), dependent.cluster()),
                          dependent.unit())));
    }
    return dependents;
  }

  /**
   * Runs the profile's smoke test. Only reads.
   *
   * @return one line per check that does not hold; empty when the host serves
   */
  public List<String> smokeTest(HostProfile profile, RestartPlan.Host host) {
    List<String> failed = new ArrayList<>();
    for (HostCheck check : profile.smokeTest()) {
      HostCheck.Result result = check.run(remote, host.fqdn(), profile.units(), commandTimeout);
      if (!result.passed()) {
        failed.add(check.checkName() + ": " + result.reason());
      }
    }
    return failed;
  }

  /** Whether the run's mode acts on hosts: in dry-run the waits and checks on the change pass. */
  public static boolean acts(RunContext run) {
    return run.mode() != ExecutionMode.DRY_RUN;
  }

  /**
   * A unit to restart on another host.
   *
   * @param host the other host
   * @param unit the unit
   */
  public record Dependent(RestartPlan.Host host, String unit) {
    @Override
    public String toString() {
      return unit + " on " + host.fqdn();
    }
  }

  private boolean active(RestartPlan.Host host, String unit) {
    try {
      return remote
          .query(host.fqdn(), "systemctl is-active " + unit, commandTimeout)
          .stdout()
          .strip()
          .equals("active");
    } catch (RemoteExecutionException.NonZeroExit inactive) {
      return false;
    }
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "") + "'";
  }
}
