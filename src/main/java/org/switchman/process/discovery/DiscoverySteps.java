package org.switchman.process.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.config.DiscoveryProperties;
import org.switchman.config.SwitchoverProperties;
import org.switchman.process.RunContexts;
import org.switchman.process.RunbookStartRule.LockTarget;
import org.switchman.process.steps.StepRunner;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.discovery.DatacenterPooling;
import org.switchman.runbook.discovery.DatacenterPoolingRequest;
import org.switchman.runbook.discovery.PoolingChange;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.Reconciler;

/**
 * What the {@code discovery-datacenter} delegates share: {@link DatacenterPooling} over the
 * conftool and DNS adapters (built on first use, so the application starts without them and a run
 * says which one is missing), the run's frozen plan, and what the run did to each service.
 *
 * <p>Run parameters: {@value #PLAN} (frozen at the start, one {@link PoolingChange#encode} line per
 * service the run changes), and per service {@code pooling.SERVICE.chosen} (the site an operator
 * chose) and {@code pooling.SERVICE.state}: {@value #CHANGING} (committed before the first change,
 * so a crash cannot forget that the service may be half-changed), {@value #CHANGED}, {@value
 * #SKIPPED} (an operator skipped it after a failure; an abort puts it back too), {@value #RESTORED}
 * or {@value #LEFT_ALONE} (changed by someone else before the run could put it back), and {@code
 * pooling.SERVICE.dns}: what DNS answered, or why it was left alone.
 */
@Component
public class DiscoverySteps {

  static final String ACTION = "action";
  static final String DC = "dc";
  static final String SERVICES = "services";
  static final String PLAN = "poolingPlan";

  /** The plan as approvers and Cockpit read it: one line per service. */
  static final String PLAN_SUMMARY = "plan";

  /** The services the run changes, in plan order, for the diagram's loop. */
  static final String CHANGED_SERVICES = "changedServices";

  /** The active/passive services whose new site an operator chooses, for the diagram's loop. */
  static final String SERVICES_TO_CHOOSE = "servicesToChoose";

  static final String CHANGING = "changing";
  static final String CHANGED = "changed";
  static final String SKIPPED = "skipped";
  static final String RESTORED = "restored";
  static final String LEFT_ALONE = "left alone";

  /** The one lock of every pool or depool: two never run at once. */
  static final LockTarget LOCK = new LockTarget(DatacenterPoolingRequest.RUNBOOK, "discovery");

  private final ObjectProvider<Conftool> conftool;
  private final ObjectProvider<DnsDiscovery> dns;
  private final ObjectProvider<SwitchoverProperties> switchover;
  private final ObjectProvider<DiscoveryProperties> discovery;
  private final RunContexts runs;
  private final StepRunner runner;
  private final Reconciler reconciler;
  private volatile DatacenterPooling pooling;

  public DiscoverySteps(
      ObjectProvider<Conftool> conftool,
      ObjectProvider<DnsDiscovery> dns,
      ObjectProvider<SwitchoverProperties> switchover,
      ObjectProvider<DiscoveryProperties> discovery,
      RunContexts runs,
      StepRunner runner,
      Reconciler reconciler) {
    this.conftool = conftool;
    this.dns = dns;
    this.switchover = switchover;
    this.discovery = discovery;
    this.runs = runs;
    this.runner = runner;
    this.reconciler = reconciler;
  }

  /**
   * @throws IllegalStateException naming the adapters that are not configured
   */
  DatacenterPooling pooling() {
    DatacenterPooling built = pooling;
    if (built == null) {
      Conftool c = conftool.getIfAvailable();
      DnsDiscovery d = dns.getIfAvailable();
      if (c == null || d == null) {
        throw new IllegalStateException(
            "discovery-datacenter needs etcd and DNS access; configure switchman.etcd.endpoints"
                + " and switchman.dns.server (missing:"
                + (c == null ? " etcd" : "")
                + (d == null ? " dns" : "")
                + ")");
      }
      built =
          new DatacenterPooling(
              c,
              d,
              discovery.getIfAvailable(() -> new DiscoveryProperties(null)).activePassive(),
              settings().services());
      pooling = built;
    }
    return built;
  }

  SwitchoverProperties settings() {
    return switchover.getIfAvailable(SwitchoverProperties::defaults);
  }

  RunContexts runs() {
    return runs;
  }

  /** The run's planned changes, as frozen at its start. */
  static List<PoolingChange> plan(Map<String, String> frozen) {
    List<PoolingChange> plan = new ArrayList<>();
    String text = frozen.get(PLAN);
    if (text != null) {
      text.lines().filter(line -> !line.isBlank()).map(PoolingChange::decode).forEach(plan::add);
    }
    return plan;
  }

  /** Whether the run began to change the service: an abort puts it back. */
  static boolean begun(String state) {
    return CHANGING.equals(state) || CHANGED.equals(state) || SKIPPED.equals(state);
  }

  /** The plan as approvers read it: one line per service, as each will be changed. */
  static String summary(List<PoolingChange> changes) {
    return changes.isEmpty()
        ? "nothing to change"
        : String.join("\n", changes.stream().map(PoolingChange::describe).toList());
  }

  /**
   * The change of the loop's {@code service}, with the site an operator chose for it when there was
   * a choice.
   */
  PoolingChange change(DelegateExecution execution) {
    return change(execution, runs.frozen(execution));
  }

  /** {@link #change(DelegateExecution)} from the run's frozen parameters as already read. */
  static PoolingChange change(DelegateExecution execution, Map<String, String> frozen) {
    return withChoice(frozen, find(plan(frozen), RunContexts.text(execution, "service")));
  }

  static PoolingChange withChoice(Map<String, String> frozen, PoolingChange change) {
    String chosen = frozen.get(parameter(change.service(), "chosen"));
    return chosen == null || !change.pendingChoice() ? change : change.choose(chosen);
  }

  static PoolingChange find(List<PoolingChange> plan, String service) {
    return plan.stream()
        .filter(change -> change.service().equals(service))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(service + " is not in the run's plan"));
  }

  static String parameter(String service, String name) {
    return "pooling." + service + "." + name;
  }

  /** The run's context for a step on one service, earlier attempts settled first. */
  RunContext context(DelegateExecution execution, String service) {
    RunContext run = runs.of(execution, execution.getCurrentActivityId() + " " + service);
    reconciler.reconcile(run);
    return run;
  }

  /** Runs a step as every step runs ({@link StepRunner#checked}), holding the run's lock. */
  <T> T checked(DelegateExecution execution, java.util.function.Supplier<T> step) {
    return runner.checked(execution, List.of(LOCK), this::siteState, step);
  }

  /** Makes sure the run holds its lock, for a step that puts no failure to an operator. */
  void hold(DelegateExecution execution) {
    runner.hold(execution, List.of(LOCK));
  }

  /** The discovery services' state for the operator deciding on a failure: the status table. */
  private String siteState(DelegateExecution execution) {
    try {
      return DatacenterPooling.table(pooling().status(), DatacenterPoolingRequest.ALL_DATACENTERS);
    } catch (RuntimeException e) {
      return "conftool could not be read: " + e.getMessage();
    }
  }
}
