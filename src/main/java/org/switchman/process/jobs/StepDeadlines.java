package org.switchman.process.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.switchman.runbook.discovery.DatacenterPooling;
import org.switchman.runbook.discovery.DatacenterPoolingRequest;
import org.switchman.runbook.reboot.HostReboot;
import org.switchman.runbook.reboot.HostRebootRequest;
import org.switchman.runbook.restart.DeployRestartRequest;
import org.switchman.runbook.restart.ServiceCatalogue;
import org.switchman.runbook.switchover.Switchover;

/**
 * The longest each step of the runbooks can run, computed from the timeouts of every remote call it
 * may make and from the topology (hosts per step, sections, services). The engine's job lock time
 * must be longer than the longest of them ({@link JobLockTimeCheck}): a job whose lock expires
 * while its step still runs is acquired again and runs a second time beside the first.
 *
 * <p><b>How a deadline is counted.</b> Each step is described by the calls it may make, as the code
 * of the step makes them ({@code runbook/switchover/Switchover}, {@code
 * runbook/dblockdown/DbLockdown}, {@code runbook/discovery/DiscoveryTtl}), each counted at its
 * bound:
 *
 * <ul>
 *   <li>an SSH connection to a host (once per host and step; connections are reused): the TCP
 *       connect timeout, three handshake stages (the banner, the key exchange, the authentication)
 *       at the handshake timeout each, and the pauses between the retries of a refused connection;
 *   <li>an SSH command: opening its session (handshake timeout) and the command timeout the
 *       switchover gives every command. A command that has exited is assumed to deliver its
 *       remaining output at once;
 *   <li>an etcd request: the etcd timeout; a DNS query or update: the DNS timeout;
 *   <li>a database statement: the connect timeout plus the query timeout (every statement opens its
 *       own connection); a section's catch-up: one statement and one pause per attempt;
 *   <li>the pauses a step takes itself (the DNS check's ten looks, the rollback's wait for sibling
 *       sections).
 * </ul>
 *
 * A step stops at the first call that fails, so the worst case is every call succeeding just before
 * its bound; the sum is an upper bound. Every step of the switchover also makes sure it still holds
 * its runbook lock before it acts, and its last attempt reads the state of the site for the
 * operator when it fails; both are counted in every switchover step. Journal appends go to the
 * engine's own database and are not counted. A step that runs in the job of the checks before it (a
 * restart's depool, drain, post-checks and repool) is counted in that job, under the job's first
 * step.
 */
public final class StepDeadlines {

  /** Etcd requests to make sure the run still holds its runbook lock (read, grant, create). */
  static final int LOCK_CHECK_REQUESTS = 4;

  /** Refused SSH connections are retried twice, after 100 and 300 ms. */
  static final Duration REFUSED_PAUSES = Duration.ofMillis(400);

  /** The DNS check looks ten times, 300 ms apart. */
  static final int DNS_CHECK_LOOKS = 10;

  static final Duration DNS_CHECK_PAUSE = Duration.ofMillis(300);

  /** Statements a section step sends besides the catch-up (reads, the change, read-backs). */
  static final int SECTION_STATEMENTS = 6;

  /**
   * The longest a rollback waits for sibling sections still running ({@code
   * SectionStepsInFlight.MAX_WAIT}).
   */
  static final Duration SIBLING_WAIT = Duration.ofSeconds(45);

  /**
   * The bound of each kind of call.
   *
   * @param sshConnect TCP connect timeout
   * @param sshHandshake the handshake timeout of each stage after the TCP connection
   * @param sshCommand the timeout of one remote command
   * @param etcdRequest the etcd timeout
   * @param dnsRequest the DNS timeout
   * @param dbConnect the database connect timeout
   * @param dbQuery the database query (socket) timeout
   * @param catchUpAttempts how often a section's catch-up is looked at
   * @param catchUpInterval the pause between two looks
   */
  public record Bounds(
      Duration sshConnect,
      Duration sshHandshake,
      Duration sshCommand,
      Duration etcdRequest,
      Duration dnsRequest,
      Duration dbConnect,
      Duration dbQuery,
      int catchUpAttempts,
      Duration catchUpInterval,
      Duration siteInfoWait) {

    Duration sshConnection() {
      return sshConnect.plus(sshHandshake.multipliedBy(3)).plus(REFUSED_PAUSES);
    }

    Duration sshCommandWithSession() {
      return sshHandshake.plus(sshCommand);
    }

    Duration dbStatement() {
      return dbConnect.plus(dbQuery);
    }
  }

  /**
   * What the steps act on.
   *
   * @param maintenanceHosts per datacenter
   * @param jobrunners per datacenter
   * @param dbMasterHosts per datacenter
   * @param sections the database sections
   * @param services the discovery services the switchover moves
   * @param datacenters how many datacenters the switchover knows
   */
  public record Topology(
      Map<String, List<String>> maintenanceHosts,
      Map<String, List<String>> jobrunners,
      Map<String, List<String>> dbMasterHosts,
      List<String> sections,
      List<String> services,
      int datacenters) {

    int allMaintenanceHosts() {
      return total(maintenanceHosts);
    }

    int maintenanceHostsOfOneDc() {
      return largest(maintenanceHosts);
    }

    int jobrunnersOfOneDc() {
      return largest(jobrunners);
    }

    int allDbMasterHosts() {
      return total(dbMasterHosts);
    }

    private static int total(Map<String, List<String>> hosts) {
      return hosts.values().stream().mapToInt(List::size).sum();
    }

    private static int largest(Map<String, List<String>> hosts) {
      return hosts.values().stream().mapToInt(List::size).max().orElse(0);
    }
  }

  /**
   * One step and its deadline.
   *
   * @param process the process key
   * @param activity the activity id in the diagram
   * @param deadline the longest it can run
   * @param calls the calls it was counted from, in words
   */
  public record Step(String process, String activity, Duration deadline, String calls) {
    @Override
    public String toString() {
      return process + "/" + activity + " " + deadline.toSeconds() + " s (" + calls + ")";
    }
  }

  /** The calls of one step: hosts connected to, commands, requests, statements, pauses. */
  private record Calls(
      int hosts, int commands, int etcd, int dns, int statements, Duration pauses) {

    Calls plus(Calls other) {
      return new Calls(
          hosts + other.hosts,
          commands + other.commands,
          etcd + other.etcd,
          dns + other.dns,
          statements + other.statements,
          pauses.plus(other.pauses));
    }

    Calls multipliedBy(int times) {
      return new Calls(
          hosts * times,
          commands * times,
          etcd * times,
          dns * times,
          statements * times,
          pauses.multipliedBy(times));
    }

    Duration bound(Bounds bounds) {
      return bounds
          .sshConnection()
          .multipliedBy(hosts)
          .plus(bounds.sshCommandWithSession().multipliedBy(commands))
          .plus(bounds.etcdRequest().multipliedBy(etcd))
          .plus(bounds.dnsRequest().multipliedBy(dns))
          .plus(bounds.dbStatement().multipliedBy(statements))
          .plus(pauses);
    }

    String words() {
      List<String> parts = new ArrayList<>();
      if (hosts > 0) {
        parts.add(hosts + " SSH connections");
      }
      if (commands > 0) {
        parts.add(commands + " SSH commands");
      }
      if (etcd > 0) {
        parts.add(etcd + " etcd requests");
      }
      if (dns > 0) {
        parts.add(dns + " DNS requests");
      }
      if (statements > 0) {
        parts.add(statements + " database statements");
      }
      if (!pauses.isZero()) {
        parts.add(pauses.toMillis() + " ms of pauses");
      }
      return String.join(", ", parts);
    }
  }

  private static Calls ssh(int hosts, int commands) {
    return new Calls(hosts, commands, 0, 0, 0, Duration.ZERO);
  }

  private static Calls etcd(int requests) {
    return new Calls(0, 0, requests, 0, 0, Duration.ZERO);
  }

  private static Calls dns(int requests) {
    return new Calls(0, 0, 0, requests, 0, Duration.ZERO);
  }

  private static Calls db(int statements) {
    return new Calls(0, 0, 0, 0, statements, Duration.ZERO);
  }

  private static Calls pause(Duration pause) {
    return new Calls(0, 0, 0, 0, 0, pause);
  }

  private static final Calls NONE = pause(Duration.ZERO);

  private final List<Step> steps;

  public StepDeadlines(Bounds bounds, Topology topology) {
    this.steps = List.copyOf(count(bounds, topology));
  }

  /** Every step of the runbooks with its deadline, in the order of the diagrams. */
  public List<Step> steps() {
    return steps;
  }

  /** The step that can run longest. */
  public Step longest() {
    return steps.stream().max(Comparator.comparing(Step::deadline)).orElseThrow();
  }

  private static List<Step> count(Bounds b, Topology t) {
    int mAll = t.allMaintenanceHosts();
    int mOne = t.maintenanceHostsOfOneDc();
    int jobrunners = t.jobrunnersOfOneDc();
    int dAll = t.allDbMasterHosts();
    int sections = t.sections().size();
    int services = t.services().size();
    int dcs = t.datacenters();
    // a conftool discovery object changed: compare-and-set, then read back
    int objectChange = 2;
    // a DNS record changed: read, update, read back
    int recordChange = 3;
    Calls siteState = etcd(2 + 2 * services).plus(db(2 * sections)).plus(dns(services));
    Calls overhead = etcd(LOCK_CHECK_REQUESTS).plus(siteState);
    Calls setPooled = etcd(services * (1 + objectChange));
    Calls pointRecords = dns(services * recordChange);
    Calls setMaster = etcd(1 + objectChange);
    // per service: the DNS record read, all discovery objects listed, each DC's object changed,
    // the DNS record changed
    Calls ttlChange = etcd(services * (1 + dcs * objectChange)).plus(dns(services * recordChange));
    // conftool read, then the siteinfo hosts asked side by side until they agree or the wait ends,
    // and once more at its end
    Calls siteInfo = etcd(1 + dcs).plus(pause(b.siteInfoWait())).plus(ssh(1, 1));
    Calls readOnlyFlags = etcd(dcs * (1 + objectChange)).plus(siteInfo);
    Calls section =
        db(SECTION_STATEMENTS + b.catchUpAttempts())
            .plus(pause(b.catchUpInterval().multipliedBy(b.catchUpAttempts())));
    Calls sectionRollBack = pause(SIBLING_WAIT).plus(db(sections * SECTION_STATEMENTS));
    Calls lockdownStart = etcd(1 + LOCK_CHECK_REQUESTS);

    List<Step> steps = new ArrayList<>();
    String sw = "dc-switchover";
    add(
        steps,
        b,
        sw,
        "ServiceTask_DisablePuppetOnMaintenanceHosts",
        ssh(mAll, mAll).plus(overhead));
    // scap on the deployment server
    add(steps, b, sw, "ServiceTask_LockDeployments", ssh(1, 1).plus(overhead));
    add(steps, b, sw, "ServiceTask_UnlockDeployments", ssh(1, 1).plus(overhead));
    add(steps, b, sw, "ServiceTask_ReduceDiscoveryTtl", ttlChange.plus(overhead));
    // per host: three warm-ups, each repeated at most Switchover.WARM_UP_ROUNDS times
    add(
        steps,
        b,
        sw,
        "ServiceTask_WarmUpCaches",
        ssh(mOne, 3 * Switchover.WARM_UP_ROUNDS * mOne).plus(overhead));
    add(steps, b, sw, "ServiceTask_DowntimeReadOnlyChecks", ssh(dAll, dAll).plus(overhead));
    add(
        steps,
        b,
        sw,
        "ServiceTask_RunPreChecks",
        db(2 * sections).plus(etcd(services * dcs + 1 + dcs)).plus(overhead));
    // the pre-checks alone, read again before the final gate
    add(
        steps,
        b,
        sw,
        "ServiceTask_RunPreChecksAgain",
        db(2 * sections).plus(etcd(services * dcs + 1 + dcs)).plus(overhead));
    // per host: is the unit active, stop it, is it inactive now
    add(steps, b, sw, "ServiceTask_StopMaintenance", ssh(mAll, 3 * mAll).plus(overhead));
    // per host: the long-running-jobs check
    add(steps, b, sw, "ServiceTask_CheckMaintenanceJobsDone", ssh(mAll, mAll).plus(overhead));
    // the lockdowns are called in the job of the step before them (their sections' jobs are the
    // save points), so that step's deadline includes the lockdown's start
    add(
        steps,
        b,
        sw,
        "ServiceTask_SetMediaWikiReadOnly",
        readOnlyFlags.plus(lockdownStart).plus(overhead));
    add(steps, b, sw, "CallActivity_SetDbMastersReadOnly", lockdownStart.plus(overhead));
    add(steps, b, sw, "ServiceTask_PoolNewDatacenter", setPooled.plus(pointRecords).plus(overhead));
    add(steps, b, sw, "ServiceTask_SetMasterDatacenter", setMaster.plus(siteInfo).plus(overhead));
    add(
        steps,
        b,
        sw,
        "ServiceTask_DepoolOldDatacenter",
        etcd(services).plus(setPooled).plus(pointRecords).plus(overhead));
    add(
        steps,
        b,
        sw,
        "ServiceTask_CheckDiscoveryDns",
        dns(DNS_CHECK_LOOKS * services)
            .plus(pause(DNS_CHECK_PAUSE.multipliedBy(DNS_CHECK_LOOKS)))
            .plus(lockdownStart)
            .plus(overhead));
    add(steps, b, sw, "CallActivity_SetDbMastersReadWrite", lockdownStart.plus(overhead));
    add(steps, b, sw, "ServiceTask_SetMediaWikiReadWrite", readOnlyFlags.plus(overhead));
    // per host: restart, is it active now
    add(
        steps,
        b,
        sw,
        "ServiceTask_RestartEnvoyOnJobrunners",
        ssh(jobrunners, 2 * jobrunners).plus(overhead));
    // enable and run puppet everywhere; where maintenance starts: is it active, start, is it active
    Calls puppetAndMaintenance = ssh(mAll, 2 * mAll + 3 * mOne);
    add(steps, b, sw, "ServiceTask_StartMaintenance", puppetAndMaintenance.plus(overhead));
    add(steps, b, sw, "ServiceTask_RestoreDiscoveryTtl", ttlChange.plus(overhead));
    // the masters five at a time: each round waits for its slowest host
    int puppetRounds = (dAll + Switchover.PUPPET_BATCH - 1) / Switchover.PUPPET_BATCH;
    add(
        steps,
        b,
        sw,
        "ServiceTask_RunPuppetOnDbMasters",
        ssh(puppetRounds, 2 * puppetRounds).plus(overhead));
    add(
        steps,
        b,
        sw,
        "ServiceTask_CheckSwitchedOverState",
        etcd(dcs + 1 + 2 * services).plus(db(2 * sections)).plus(dns(services)).plus(overhead));
    for (String escalation :
        List.of(
            "ServiceTask_RemindGoNoGoApprovers",
            "ServiceTask_RecordGoNoGoExpiry",
            "ServiceTask_RemindFinalGoNoGoApprovers",
            "ServiceTask_RecordFinalGoNoGoExpiry",
            "ServiceTask_EscalateReadOnlyOverrun",
            "ServiceTask_EscalateSetReadOnlyDecision",
            "ServiceTask_EscalateSwitchDiscoveryDecision",
            "ServiceTask_EscalateSetReadWriteDecision")) {
      add(steps, b, sw, escalation, siteState);
    }
    // every part is tried even when another failed
    add(
        steps,
        b,
        sw,
        "ServiceTask_RollBackSwitchover",
        setMaster
            .plus(setPooled)
            .plus(pointRecords)
            .plus(setPooled)
            .plus(db(sections * SECTION_STATEMENTS))
            .plus(pause(SIBLING_WAIT))
            .plus(readOnlyFlags)
            .plus(ssh(mAll, 2 * mAll + 3 * mAll))
            .plus(ssh(dAll, dAll))
            .plus(ssh(1, 1))
            .plus(ttlChange)
            .plus(overhead));
    for (String lockdown : List.of("db-masters-read-only", "db-masters-read-write")) {
      add(
          steps,
          b,
          lockdown,
          lockdown.equals("db-masters-read-only")
              ? "ServiceTask_SetOldMasterReadOnly"
              : "ServiceTask_SetNewMasterReadWrite",
          section.plus(siteState));
      add(steps, b, lockdown, "ServiceTask_RollBackSections", sectionRollBack.plus(siteState));
      add(steps, b, lockdown, "ServiceTask_EscalateSectionDecision", siteState);
      add(steps, b, lockdown, "ServiceTask_RemindGoNoGoApprovers", NONE);
      add(steps, b, lockdown, "ServiceTask_RecordGoNoGoExpiry", NONE);
    }
    countRollingRestart(steps, b);
    countDiscoveryDatacenter(steps, b);
    countHostReboot(steps, b);
    return steps;
  }

  /**
   * The steps of {@code rolling-restart}. Each host step acts on one host and holds two locks (the
   * service's and the host's); the catalogue bounds what it sends ({@link
   * ServiceCatalogue#MAX_LISTED} units, conftool services and checks of each kind), and a failed
   * step reads the host's pool entries for the operator. A depool reads each entry twice and writes
   * it with a read-back; a repool reads, writes and reads back. The steps that only read and write
   * the run's own records in the engine's database count nothing.
   */
  private static void countRollingRestart(List<Step> steps, Bounds b) {
    countRestart(steps, b, "rolling-restart");
    countRestart(steps, b, "restart-after-deploy");
  }

  private static void countRestart(List<Step> steps, Bounds b, String rr) {
    int most = ServiceCatalogue.MAX_LISTED;
    Calls overhead = etcd(2 * LOCK_CHECK_REQUESTS).plus(etcd(most));
    Calls checks = ssh(1, most * most);
    add(steps, b, rr, "ServiceTask_RemindGoNoGoApprovers", NONE);
    add(steps, b, rr, "ServiceTask_RecordGoNoGoExpiry", NONE);
    if (rr.equals("restart-after-deploy")) {
      // reads the other queued runs from the engine, then each lock's holders, then takes them
      add(
          steps,
          b,
          rr,
          "ServiceTask_TakeTurn",
          etcd(
              (ServiceCatalogue.MAX_CLUSTERS + DeployRestartRequest.MAX_HOSTS)
                  * (1 + LOCK_CHECK_REQUESTS)));
    }
    add(steps, b, rr, "ServiceTask_ChooseBatchHosts", NONE);
    // a job runs from its save point through the checks that follow it and at most one change:
    // whether the units run and the pre-checks, then the depool
    add(
        steps,
        b,
        rr,
        "ServiceTask_CheckHostBeforeRestart",
        ssh(1, most * most + most).plus(etcd(4 * most)).plus(overhead.multipliedBy(2)));
    // the grace timer's job runs the drain, or the restart when the service has no drain; the
    // drain's job after it runs the restart
    add(steps, b, rr, "Timer_Grace", ssh(1, most).plus(overhead));
    add(steps, b, rr, "ServiceTask_DrainHost", ssh(1, most).plus(overhead));
    // the readiness checks, the post-checks, then the repool
    add(
        steps,
        b,
        rr,
        "ServiceTask_CheckHostReadiness",
        checks.multipliedBy(2).plus(etcd(3 * most)).plus(overhead.multipliedBy(3)));
    add(steps, b, rr, "ServiceTask_RecordHostFailure", NONE);
    add(steps, b, rr, "ServiceTask_ReviewBatch", NONE);
    add(steps, b, rr, "ServiceTask_LeaveFailedHostsDepooled", NONE);
    add(steps, b, rr, "ServiceTask_RemindOperators", NONE);
    add(steps, b, rr, "ServiceTask_ReportRestart", NONE);
    add(steps, b, rr, "ServiceTask_ChooseHostsToRepool", NONE);
    add(steps, b, rr, "ServiceTask_RepoolStoppedHost", etcd(3 * most).plus(overhead));
    add(steps, b, rr, "ServiceTask_ReportStoppedRestart", NONE);
  }

  /** The most sites a discovery service has: production's seven datacenters, and one spare. */
  static final int DISCOVERY_SITES = 8;

  /**
   * The steps of {@code discovery-datacenter}. A change of one service reads its discovery objects
   * (one range read), writes each site at most once with a read-back, reads its DNS record and the
   * service address of each site, and updates the record with a read-back; a resumed attempt first
   * reads back what an earlier one left open (as many calls again). The check reads the record and
   * the sites' addresses up to {@link DatacenterPooling#DNS_LOOKS} times with pauses between; the
   * rollback puts one service back per step, as the change changed it, and checks it; a failed step
   * reads the status table for the operator.
   */
  private static void countDiscoveryDatacenter(List<Step> steps, Bounds b) {
    String dd = DatacenterPoolingRequest.RUNBOOK;
    Calls change = etcd(1 + 2 * DISCOVERY_SITES).plus(dns(1 + DISCOVERY_SITES + 3)).multipliedBy(2);
    Calls overhead = etcd(LOCK_CHECK_REQUESTS + 1);
    add(steps, b, dd, "ServiceTask_ReadDiscoveryStatus", etcd(1));
    add(steps, b, dd, "ServiceTask_RemindGoNoGoApprovers", NONE);
    add(steps, b, dd, "ServiceTask_RecordGoNoGoExpiry", NONE);
    Calls check =
        dns(DatacenterPooling.DNS_LOOKS * (1 + DISCOVERY_SITES))
            .plus(pause(DatacenterPooling.DNS_PAUSE.multipliedBy(DatacenterPooling.DNS_LOOKS - 1)));
    add(steps, b, dd, "ServiceTask_ChangeServicePooling", change.plus(overhead));
    add(steps, b, dd, "ServiceTask_CheckServiceDns", check.plus(overhead));
    add(steps, b, dd, "ServiceTask_RestoreServices", change.plus(check).plus(overhead));
    add(steps, b, dd, "ServiceTask_ReportPooling", NONE);
    add(steps, b, dd, "ServiceTask_ReportRolledBackPooling", NONE);
  }

  /**
   * The steps of {@code host-reboot}, on one host and the dependents of its profile (at most {@link
   * HostReboot#MAX_DEPENDENT_HOSTS} other hosts). The profile bounds what they send: {@link
   * ServiceCatalogue#MAX_HOST_UNITS} units, each started in a step of its own at most {@link
   * ServiceCatalogue#MAX_START_ATTEMPTS} times with a look after each start (once, when an abort
   * puts back the units it stopped), and smoke checks that ask about every unit. Each step holds
   * the host's lock, and a failed one reads the host's pool entries for the operator.
   */
  private static void countHostReboot(List<Step> steps, Bounds b) {
    String hr = HostRebootRequest.RUNBOOK;
    int units = ServiceCatalogue.MAX_HOST_UNITS;
    int most = ServiceCatalogue.MAX_LISTED;
    int starts = 1 + 2 * ServiceCatalogue.MAX_START_ATTEMPTS;
    int others = HostReboot.MAX_DEPENDENT_HOSTS;
    Calls overhead = etcd(LOCK_CHECK_REQUESTS + most);
    add(steps, b, hr, "ServiceTask_RemindGoNoGoApprovers", NONE);
    add(steps, b, hr, "ServiceTask_RecordGoNoGoExpiry", NONE);
    add(
        steps,
        b,
        hr,
        "ServiceTask_DowntimeAndDepoolHost",
        ssh(1, 1).plus(etcd(4 * most)).plus(overhead));
    add(steps, b, hr, "ServiceTask_StopFilesystemServices", ssh(1, 2 * units).plus(overhead));
    add(steps, b, hr, "ServiceTask_RebootHost", ssh(1, 2).plus(overhead));
    add(steps, b, hr, "ServiceTask_CheckHostUp", ssh(1, 1).plus(overhead));
    add(steps, b, hr, "ServiceTask_CheckRecovery", ssh(1, 1).plus(overhead));
    add(steps, b, hr, "ServiceTask_StopServicesStartedEarly", ssh(1, 4 * units).plus(overhead));
    add(steps, b, hr, "ServiceTask_StartServicesInOrder", ssh(1, starts).plus(overhead));
    add(
        steps,
        b,
        hr,
        "ServiceTask_RestartDependents",
        ssh(1 + others, units + others).plus(etcd(ServiceCatalogue.MAX_CLUSTERS)).plus(overhead));
    add(steps, b, hr, "ServiceTask_RunSmokeTest", ssh(1, most * units).plus(overhead));
    add(
        steps,
        b,
        hr,
        "ServiceTask_RepoolRebootedHost",
        ssh(1, 1).plus(etcd(3 * most)).plus(overhead));
    add(
        steps,
        b,
        hr,
        "ServiceTask_PutBackOrLeaveDepooled",
        ssh(1, 2 * units + 1).plus(etcd(3 * most)).plus(overhead));
    add(steps, b, hr, "ServiceTask_RemindOperators", NONE);
    add(steps, b, hr, "ServiceTask_ReportReboot", NONE);
    add(steps, b, hr, "ServiceTask_ReportAbortedReboot", NONE);
  }

  private static void add(
      List<Step> steps, Bounds bounds, String process, String activity, Calls calls) {
    steps.add(new Step(process, activity, calls.bound(bounds), calls.words()));
  }
}
