package org.switchman.process.switchover;

import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.TICKET;
import static org.switchman.process.switchover.SwitchoverVars.DC_FROM;
import static org.switchman.process.switchover.SwitchoverVars.DC_TO;
import static org.switchman.process.switchover.SwitchoverVars.IN_FLIGHT_GRACE;
import static org.switchman.process.switchover.SwitchoverVars.ORIGINAL_TTLS;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_BUDGET;
import static org.switchman.process.switchover.SwitchoverVars.SECTIONS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.config.DbProperties;
import org.switchman.config.SwitchoverProperties;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.process.RunbookStartRule.LockTarget;
import org.switchman.process.steps.StepRunner;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.DbMasters;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.Reconciler;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;
import org.switchman.runbook.switchover.SwitchoverTopology;

/**
 * What the switchover delegates share: the {@link Switchover} service (built on first use, so the
 * application starts without adapters and a run says which one is missing), the request read from
 * process variables, and the mapping of a failed check to the {@value SwitchoverVars#CHECK_FAILED}
 * BPMN error that opens an operator decision.
 */
@Component
public class SwitchoverSteps {

  /** The lock every switchover step holds. */
  private static final List<LockTarget> LOCKS =
      List.of(new LockTarget(SwitchoverRequest.RUNBOOK, "mediawiki"));

  private final ObjectProvider<Conftool> conftool;
  private final ObjectProvider<DnsDiscovery> dns;
  private final ObjectProvider<DbMasters> masters;
  private final ObjectProvider<RemoteExecutor> remote;
  private final ObjectProvider<SwitchoverProperties> settings;
  private final ObjectProvider<DbProperties> db;
  private final StepRunner runner;
  private final RunContexts runs;
  private final Reconciler reconciler;
  private final ObjectMapper json = new ObjectMapper();
  private volatile Switchover switchover;

  public SwitchoverSteps(
      ObjectProvider<Conftool> conftool,
      ObjectProvider<DnsDiscovery> dns,
      ObjectProvider<DbMasters> masters,
      ObjectProvider<RemoteExecutor> remote,
      ObjectProvider<SwitchoverProperties> settings,
      ObjectProvider<DbProperties> db,
      StepRunner runner,
      RunContexts runs,
      Reconciler reconciler) {
    this.conftool = conftool;
    this.reconciler = reconciler;
    this.runs = runs;
    this.runner = runner;
    this.dns = dns;
    this.masters = masters;
    this.remote = remote;
    this.settings = settings;
    this.db = db;
  }

  /**
   * @throws IllegalStateException naming the adapters that are not configured
   */
  public Switchover switchover() {
    Switchover built = switchover;
    if (built == null) {
      synchronized (this) {
        if (switchover == null) {
          switchover = build();
        }
        built = switchover;
      }
    }
    return built;
  }

  private Switchover build() {
    Conftool c = conftool.getIfAvailable();
    DnsDiscovery d = dns.getIfAvailable();
    DbMasters m = masters.getIfAvailable();
    RemoteExecutor r = remote.getIfAvailable();
    if (c == null || d == null || m == null || r == null) {
      throw new IllegalStateException(
          "dc-switchover needs etcd, DNS, database and SSH access;"
              + " configure switchman.etcd.endpoints, switchman.dns.server, switchman.db.admin-user"
              + " and switchman.ssh.key-file (missing:"
              + (c == null ? " etcd" : "")
              + (d == null ? " dns" : "")
              + (m == null ? " db" : "")
              + (r == null ? " ssh" : "")
              + ")");
    }
    SwitchoverProperties s = settings().validated();
    SwitchoverTopology topology =
        new SwitchoverTopology(
            s.datacenters(),
            s.services(),
            sections(),
            s.maintenanceHosts(),
            s.jobrunners(),
            s.dbMasterHosts(),
            s.maintenanceUnit(),
            s.deploymentServer(),
            s.siteInfoHosts());
    return new Switchover(
        topology,
        c,
        d,
        m,
        r,
        s.catchUpAttempts(),
        s.catchUpInterval(),
        s.commandTimeout(),
        s.maxLagSeconds(),
        s.siteInfoWait());
  }

  public SwitchoverProperties settings() {
    return settings.getIfAvailable(SwitchoverProperties::defaults);
  }

  public List<String> sections() {
    DbProperties d = db.getIfAvailable();
    return d != null ? d.sections() : DbProperties.DEFAULT_SECTIONS;
  }

  /** The run's frozen parameters, and where a step freezes what it learns. */
  public RunContexts runs() {
    return runs;
  }

  /**
   * Who acts, in which run and step, and how: from the run's frozen parameters. The step is about
   * to read and act, so what earlier attempts of it left open (a change journaled as {@code INTENT}
   * when the application died, or ended {@code UNKNOWN}) is settled first: read back and journaled
   * {@code RECONCILED} ({@link Reconciler}). Call it inside {@link #checked}, so that a server that
   * cannot be read fails the step like any other.
   */
  public RunContext context(DelegateExecution execution) {
    return reconciled(runs.of(execution));
  }

  /** {@link #context(DelegateExecution)} for a named part of the step, such as a section. */
  public RunContext context(DelegateExecution execution, String step) {
    return reconciled(runs.of(execution, step));
  }

  private RunContext reconciled(RunContext run) {
    reconciler.reconcile(run);
    return run;
  }

  /** A frozen parameter of the run (the validated request or a fact it learned), or null. */
  public String frozen(DelegateExecution execution, String name) {
    return runs.frozen(execution, name);
  }

  /**
   * Freezes a validated request: the datacenters, mode, reason, ticket, the datacenter to protect
   * and the sections, which the steps read from then on.
   */
  public void freeze(
      DelegateExecution execution, SwitchoverRequest request, String activeDatacenter) {
    runs.freeze(execution, DC_FROM, request.dcFrom());
    runs.freeze(execution, DC_TO, request.dcTo());
    runs.freeze(execution, RunVariableNames.MODE, request.mode().value());
    runs.freeze(execution, REASON, request.reason());
    runs.freeze(execution, TICKET, request.ticket());
    runs.freeze(execution, RunVariableNames.ACTIVE_DATACENTER, activeDatacenter);
    runs.freeze(execution, SECTIONS, String.join(",", sections()));
  }

  /** The request as it was validated and frozen when the run started. */
  public SwitchoverRequest request(DelegateExecution execution) {
    return request(runs.frozen(execution));
  }

  private static SwitchoverRequest request(Map<String, String> frozen) {
    String mode = frozen.get(RunVariableNames.MODE);
    if (mode == null) {
      throw new IllegalStateException("the run has no frozen mode");
    }
    return new SwitchoverRequest(
        frozen.get(DC_FROM),
        frozen.get(DC_TO),
        ExecutionMode.parse(mode),
        frozen.get(REASON),
        frozen.get(TICKET),
        duration(frozen.get(READ_ONLY_BUDGET), "PT3M"),
        duration(frozen.get(IN_FLIGHT_GRACE), "PT10S"));
  }

  /**
   * Runs a step as every step runs ({@link StepRunner#checked}), holding the switchover's lock; a
   * failure opens the step's operator decision with the state of the site.
   */
  public <T> T checked(DelegateExecution execution, Supplier<T> step) {
    return runner.checked(execution, LOCKS, this::siteState, step);
  }

  /**
   * The state of the site as the operator deciding will find it, read now; or why it cannot be
   * read. Never throws: the decision opens whatever the site answers.
   */
  public String siteState(DelegateExecution execution) {
    return siteState(runs.frozen(execution));
  }

  /** {@link #siteState(DelegateExecution)} of a run known by its id only. */
  public String siteState(String runId) {
    return siteState(runs.frozen(runId));
  }

  private String siteState(Map<String, String> frozen) {
    try {
      return String.join("\n", switchover().checks().siteState(request(frozen)));
    } catch (RuntimeException e) {
      return "unknown: " + StepRunner.describe(e);
    }
  }

  public void checked(DelegateExecution execution, Runnable step) {
    checked(
        execution,
        () -> {
          step.run();
          return null;
        });
  }

  /** The TTLs the run read before it reduced them, as frozen then; empty before. */
  public Map<String, Long> ttls(DelegateExecution execution) {
    String text = frozen(execution, ORIGINAL_TTLS);
    if (text == null || text.isBlank()) {
      return new LinkedHashMap<>();
    }
    try {
      return json.readValue(text, new TypeReference<LinkedHashMap<String, Long>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("originalTtls is not a JSON map of TTLs: " + text, e);
    }
  }

  public String ttlsText(Map<String, Long> ttls) {
    try {
      return json.writeValueAsString(ttls);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(DelegateExecution execution, String name) {
    return RunContexts.text(execution, name);
  }

  private static Duration duration(String text, String fallback) {
    return Duration.parse(text == null || text.isBlank() ? fallback : text);
  }
}
