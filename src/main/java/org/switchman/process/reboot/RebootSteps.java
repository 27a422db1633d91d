package org.switchman.process.reboot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.config.RestartProperties;
import org.switchman.config.SwitchoverProperties;
import org.switchman.process.FleetAdapters;
import org.switchman.process.RunContexts;
import org.switchman.process.RunbookStartRule.LockTarget;
import org.switchman.process.restart.RestartSteps;
import org.switchman.process.steps.StepRunner;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.Reconciler;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.reboot.HostReboot;
import org.switchman.runbook.reboot.HostRebootRequest;
import org.switchman.runbook.restart.HostProfile;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.RestartPlan;

/**
 * What the {@code host-reboot} delegates share: {@link HostReboot} over the conftool and SSH
 * adapters (built on first use, so the application starts without them and a run says which one is
 * missing), the run's frozen host and profile, and what the run did.
 *
 * <p>Run parameters, each written by one step: {@value #DEPOOLED} (the pool entries the run takes
 * the host out of, committed before it changes them), {@value #DEPOOLED_AT}, {@value #STOPPED} (the
 * units stopped before the reboot), {@value #REQUESTED_AT} (when the reboot was asked for,
 * committed before it is), {@value #BOOT_ID_BEFORE} (the host's boot id before the reboot,
 * committed before it is asked for: whether the host rebooted is told by its boot id, never by its
 * clock), {@value #SEEN_UP} (when the run first saw the new boot, on the engine's clock), {@value
 * #RECOVERY} (where the recovery stands, in words), {@value #AVAILABLE_SINCE} (since when the
 * filesystem is available), {@value #STARTED_EARLY}, {@value #STARTS} (one line per unit started:
 * how many starts it took), {@value #DEPENDENTS} (the dependents restarted), {@value #SMOKE_TEST}
 * and {@value #OUTCOME}.
 */
@Component
public class RebootSteps {

  static final String HOST = "host";
  static final String DC = "dc";
  static final String CLUSTER = "cluster";
  static final String CLEAN = "clean";
  static final String CATALOGUE = "catalogueVersion";

  /** The other hosts the run restarts dependents on, one per line, frozen at the start. */
  static final String DEPENDENT_HOSTS = "dependentHosts";

  static final String DEPOOLED = "reboot.depooled";
  static final String DEPOOLED_AT = "reboot.depooledAt";
  static final String STOPPED = "reboot.stopped";
  static final String REQUESTED_AT = "reboot.requestedAt";
  static final String BOOT_ID_BEFORE = "reboot.bootIdBefore";
  static final String SEEN_UP = "reboot.seenUp";
  static final String RECOVERY = "reboot.recovery";
  static final String AVAILABLE_SINCE = "reboot.availableSince";
  static final String STARTED_EARLY = "reboot.startedEarly";
  static final String STARTS = "reboot.starts";
  static final String DEPENDENTS = "reboot.dependents";
  static final String SMOKE_TEST = "reboot.smokeTest";
  static final String OUTCOME = "reboot.outcome";

  /** The pool entries of a host that was in none of the profile's pools. */
  static final String NONE = "none";

  /**
   * A variable local to each entry of the reboot's steps: when the current wait began. A retry
   * enters the steps again, so the boot and recovery limits count again from then.
   */
  static final String WAIT_FROM = "waitFrom";

  /** The lock a run holds on its host: the one a rolling restart takes on each of its hosts. */
  static final String HOST_LOCK = RestartSteps.HOST_LOCK;

  private final ObjectProvider<Conftool> conftool;
  private final ObjectProvider<RemoteExecutor> remote;
  private final ObjectProvider<SwitchoverProperties> settings;
  private final ObjectProvider<RestartProperties> restartSettings;
  private final RestartSteps restarts;
  private final RunContexts runs;
  private final StepRunner runner;
  private final Reconciler reconciler;
  private volatile HostReboot reboot;

  public RebootSteps(
      ObjectProvider<Conftool> conftool,
      ObjectProvider<RemoteExecutor> remote,
      ObjectProvider<SwitchoverProperties> settings,
      ObjectProvider<RestartProperties> restartSettings,
      RestartSteps restarts,
      RunContexts runs,
      StepRunner runner,
      Reconciler reconciler) {
    this.conftool = conftool;
    this.remote = remote;
    this.settings = settings;
    this.restartSettings = restartSettings;
    this.restarts = restarts;
    this.runs = runs;
    this.runner = runner;
    this.reconciler = reconciler;
  }

  /**
   * @throws IllegalStateException naming the adapters that are not configured
   */
  HostReboot reboot() {
    HostReboot built = reboot;
    if (built == null) {
      FleetAdapters adapters = FleetAdapters.require(HostRebootRequest.RUNBOOK, conftool, remote);
      built = new HostReboot(adapters.remote(), adapters.conftool(), settings().commandTimeout());
      reboot = built;
    }
    return built;
  }

  SwitchoverProperties settings() {
    return settings.getIfAvailable(SwitchoverProperties::defaults);
  }

  RunContexts runs() {
    return runs;
  }

  RestartSteps restarts() {
    return restarts;
  }

  /** The run's host, as frozen at its start. */
  static RestartPlan.Host host(Map<String, String> frozen) {
    return new RestartPlan.Host(frozen.get(HOST), frozen.get(DC), frozen.get(CLUSTER));
  }

  RestartPlan.Host host(DelegateExecution execution) {
    return host(runs.frozenOnly(execution, HOST, DC, CLUSTER));
  }

  /** The host's profile, from the catalogue version the run froze when it started. */
  HostProfile profile(DelegateExecution execution) {
    return profile(runs.frozenOnly(execution, CATALOGUE, CLUSTER));
  }

  HostProfile profile(Map<String, String> frozen) {
    return restarts
        .catalogue(frozen.get(CATALOGUE))
        .hostProfile(HostRebootRequest.RUNBOOK, frozen.get(HOST), frozen.get(CLUSTER));
  }

  /** The pool entries the run took the host out of, as recorded before it changed them. */
  static List<HostRestart.PoolSlot> depooled(Map<String, String> frozen) {
    String text = frozen.get(DEPOOLED);
    return text == null
        ? List.of()
        : text.lines()
            .filter(line -> !line.isBlank() && !line.equals(NONE))
            .map(HostRestart.PoolSlot::parse)
            .toList();
  }

  /** A list the run recorded, one item per line; empty when it recorded none. */
  static List<String> lines(Map<String, String> frozen, String name) {
    String text = frozen.get(name);
    return text == null ? List.of() : text.lines().filter(line -> !line.isBlank()).toList();
  }

  /** An instant the run recorded, in epoch milliseconds; empty when it recorded none. */
  static Optional<Instant> instant(Map<String, String> frozen, String name) {
    return Optional.ofNullable(frozen.get(name)).map(Long::parseLong).map(Instant::ofEpochMilli);
  }

  static String millis(Instant instant) {
    return Long.toString(instant.toEpochMilli());
  }

  /** The run's context for a step, with what earlier attempts left open settled first. */
  RunContext context(DelegateExecution execution) {
    RunContext run =
        runs.of(execution, execution.getCurrentActivityId() + " " + runs.frozen(execution, HOST));
    reconciler.reconcile(run);
    return run;
  }

  /**
   * The locks of a run, once its host is frozen: its host's, and those of the other hosts it
   * restarts dependents on, so that no rolling restart or other reboot acts on them meanwhile.
   */
  static List<LockTarget> locks(Map<String, String> frozen) {
    String host = frozen.get(HOST);
    if (host == null) {
      return List.of();
    }
    List<LockTarget> locks = new ArrayList<>();
    locks.add(new LockTarget(HOST_LOCK, host));
    lines(frozen, DEPENDENT_HOSTS).forEach(other -> locks.add(new LockTarget(HOST_LOCK, other)));
    return List.copyOf(locks);
  }

  /** Runs a step as every step runs ({@link StepRunner#checked}), holding the host's lock. */
  <T> T checked(DelegateExecution execution, java.util.function.Supplier<T> step) {
    return runner.checked(
        execution, locks(runs.frozenOnly(execution, HOST, DEPENDENT_HOSTS)), this::hostState, step);
  }

  /** Makes sure the run holds its locks, for a step that puts no failure to an operator. */
  void hold(DelegateExecution execution) {
    runner.hold(execution, locks(runs.frozenOnly(execution, HOST, DEPENDENT_HOSTS)));
  }

  /**
   * When the current wait began: {@value #WAIT_FROM}, set on the first look of this entry of the
   * steps.
   */
  static Instant waitFrom(DelegateExecution execution) {
    Object from = execution.getVariable(WAIT_FROM);
    if (from == null) {
      Instant now = now();
      execution.setVariable(WAIT_FROM, millis(now));
      return now;
    }
    return Instant.ofEpochMilli(Long.parseLong(from.toString()));
  }

  /** Now on the engine's clock, which the diagram's timers follow too. */
  static Instant now() {
    return ClockUtil.getCurrentTime().toInstant();
  }

  /**
   * How often the boot or the recovery is looked at: a twentieth of its limit, at least 2 s and at
   * most {@code switchman.restart.max-poll}.
   */
  Duration poll(Duration limit) {
    Duration poll = limit.dividedBy(20);
    Duration most =
        restartSettings.getIfAvailable(() -> new RestartProperties(null, null)).maxPoll();
    if (poll.compareTo(most) > 0) {
      poll = most;
    }
    return poll.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : poll;
  }

  /** The host as the operator deciding will find it: its pool entries, or why they are unknown. */
  private String hostState(DelegateExecution execution) {
    try {
      Map<String, String> frozen = runs.frozen(execution);
      RestartPlan.Host host = host(frozen);
      List<String> lines = new ArrayList<>();
      for (String service : profile(frozen).depoolFrom()) {
        lines.add(
            host.fqdn()
                + " in "
                + service
                + ": "
                + conftool
                    .getObject()
                    .poolEntry(host.dc(), host.cluster(), service, host.fqdn())
                    .map(entry -> "pooled=" + entry.value().pooled())
                    .orElse("no conftool entry"));
      }
      lines.add(
          frozen.containsKey(REQUESTED_AT)
              ? "the reboot was asked for at " + instant(frozen, REQUESTED_AT).orElseThrow()
              : "the host has not been rebooted by this run");
      String recovery = frozen.get(RECOVERY);
      if (recovery != null) {
        lines.add("recovery: " + recovery);
      }
      return String.join("\n", lines);
    } catch (RuntimeException e) {
      return "unknown: " + StepRunner.describe(e);
    }
  }
}
