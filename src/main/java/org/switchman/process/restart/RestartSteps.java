package org.switchman.process.restart;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.config.RestartProperties;
import org.switchman.config.SwitchoverProperties;
import org.switchman.process.EngineHooks;
import org.switchman.process.FleetAdapters;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.process.RunbookStartRule.LockTarget;
import org.switchman.process.steps.StepRunner;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.Reconciler;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.restart.DeployRestartRequest;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.RestartPlan;
import org.switchman.runbook.restart.RollingRestartRequest;
import org.switchman.runbook.restart.ServiceCatalogue;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * What the {@code rolling-restart} delegates share: the run's frozen request and plan, the service
 * policy of the catalogue version the run started with, what the run learned about each host, and
 * {@link HostRestart} over the conftool and SSH adapters (built on first use, so the application
 * starts without them and a run says which one is missing).
 *
 * <p>Everything a step must not forget is a run parameter, never a process variable: the plan
 * ({@value #PLAN}, one line per host, {@code batch dc cluster fqdn}), and per host, by its line
 * number {@code i}: {@code host.i.depooled} (the pool entries the run took it out of, written
 * before it changed them), {@code host.i.readyBy} (when the readiness wait gives up), {@code
 * host.i.failure} (why it failed; blank once it is retried) and {@code host.i.outcome} (what became
 * of it). Hosts of one batch run side by side, and each writes its own parameters only.
 */
@Component
public class RestartSteps {

  static final String SERVICE = "service";
  static final String DC = "dc";
  static final String HOSTS = "hosts";
  static final String BATCH_SIZE = "batchSize";
  static final String ACTION = "action";
  static final String CATALOGUE = "catalogueVersion";
  static final String PLAN = "hostPlan";

  /** The plan as the approver and Cockpit read it (not the steps): hosts per batch. */
  static final String PLAN_SUMMARY = "plan";

  static final String FAILED_BATCHES = "failedBatches";
  static final String DEPLOY_ID = "deployId";

  /** When a restart after a deploy was queued: epoch milliseconds, zero-padded, so text sorts. */
  static final String QUEUED_AT = "queuedAt";

  /** Whether a host running work that must not be killed is deferred instead of waited for. */
  static final String DEFER_LONG_JOBS = "deferLongJobs";

  /** The start of the outcome of a host deferred because of work that must not be killed. */
  static final String DEFERRED = "deferred";

  /** The start of the outcome of a host where the service does not run, after a deploy. */
  static final String NOT_RUNNING = "not running";

  /** The start of the outcome of a host that was restarted and repooled. */
  static final String RESTARTED = "restarted";

  /** The start of the outcome of a host the run leaves out of its pools. */
  static final String LEFT_DEPOOLED = "left depooled";

  /**
   * Whether a restart after a deploy has its turn: {@value #WAITING} until no earlier deploy's
   * restart is waiting or running and its locks were free, then {@value #TAKEN}.
   */
  static final String TURN = "turn";

  static final String WAITING = "waiting";
  static final String TAKEN = "taken";

  /** The diagrams' multi-instance subprocess of a batch's hosts, one instance per host. */
  static final String HOST_SCOPE = "SubProcess_Hosts";

  /** The lock every host of a run holds: no two runs act on one host at once. */
  public static final String HOST_LOCK = "host";

  private final ObjectProvider<Conftool> conftool;
  private final ObjectProvider<RemoteExecutor> remote;
  private final ObjectProvider<SwitchoverProperties> settings;
  private final ObjectProvider<RestartProperties> restartSettings;
  private final ObjectProvider<RepositoryService> repository;
  private final ObjectProvider<RuntimeService> runtime;
  private final RunContexts runs;
  private final StepRunner runner;
  private final Reconciler reconciler;
  private final Map<String, ServiceCatalogue> catalogues = new ConcurrentHashMap<>();
  private volatile HostRestart restart;

  public RestartSteps(
      ObjectProvider<Conftool> conftool,
      ObjectProvider<RemoteExecutor> remote,
      ObjectProvider<SwitchoverProperties> settings,
      ObjectProvider<RestartProperties> restartSettings,
      ObjectProvider<RepositoryService> repository,
      ObjectProvider<RuntimeService> runtime,
      RunContexts runs,
      StepRunner runner,
      Reconciler reconciler) {
    this.conftool = conftool;
    this.remote = remote;
    this.settings = settings;
    this.restartSettings = restartSettings;
    this.repository = repository;
    this.runtime = runtime;
    this.runs = runs;
    this.runner = runner;
    this.reconciler = reconciler;
  }

  /** One host of the run: its line in the plan and where it is. */
  record PlannedHost(int index, int batch, String service, RestartPlan.Host host) {

    String parameter(String name) {
      return "host." + index + "." + name;
    }
  }

  /**
   * @throws IllegalStateException naming the adapters that are not configured
   */
  HostRestart restart() {
    HostRestart built = restart;
    if (built == null) {
      FleetAdapters adapters =
          FleetAdapters.require(RollingRestartRequest.RUNBOOK, conftool, remote);
      built = new HostRestart(adapters.remote(), adapters.conftool(), settings().commandTimeout());
      restart = built;
    }
    return built;
  }

  Conftool conftool() {
    restart();
    return conftool.getObject();
  }

  SwitchoverProperties settings() {
    return settings.getIfAvailable(SwitchoverProperties::defaults);
  }

  RestartProperties restartSettings() {
    return restartSettings.getIfAvailable(() -> new RestartProperties(null, null));
  }

  RunContexts runs() {
    return runs;
  }

  /**
   * The active restarts after a deploy other than this execution's run, each as its id and its
   * frozen parameters, in the order they were queued. Read without the authorizations of whoever
   * runs the step: every run counts.
   */
  java.util.stream.Stream<Map.Entry<String, Map<String, String>>> queuedDeploys(
      DelegateExecution execution) {
    String self = RunContexts.runId(execution);
    List<org.camunda.bpm.engine.runtime.ProcessInstance> active =
        EngineHooks.withoutAuthorization(
            () ->
                runtime
                    .getObject()
                    .createProcessInstanceQuery()
                    .processDefinitionKey(DeployRestartRequest.RUNBOOK)
                    .rootProcessInstances()
                    .list());
    return active.stream()
        .filter(run -> !run.getId().equals(self))
        .map(run -> Map.entry(run.getId(), runs.frozen(run.getId())))
        .filter(run -> run.getValue().get(QUEUED_AT) != null)
        .sorted(java.util.Comparator.comparing(run -> run.getValue().get(QUEUED_AT)));
  }

  /** The newest deployed catalogue: its decision definition's id, and what it says. */
  public Map.Entry<String, ServiceCatalogue> latestCatalogue() {
    DecisionDefinition latest =
        EngineHooks.withoutAuthorization(
            () ->
                repository
                    .getObject()
                    .createDecisionDefinitionQuery()
                    .decisionDefinitionKey(ServiceCatalogueTable.DECISION)
                    .latestVersion()
                    .singleResult());
    if (latest == null) {
      throw new IllegalStateException(
          "no service catalogue is deployed (decision " + ServiceCatalogueTable.DECISION + ")");
    }
    return Map.entry(latest.getId(), catalogue(latest.getId()));
  }

  /** The catalogue of that deployed version; the deployment guard checked it when it came. */
  public ServiceCatalogue catalogue(String decisionDefinitionId) {
    return catalogues.computeIfAbsent(
        decisionDefinitionId,
        id -> {
          try (InputStream dmn =
              EngineHooks.withoutAuthorization(() -> repository.getObject().getDecisionModel(id))) {
            return ServiceCatalogueTable.read(dmn);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** The policy of a host's service, from the catalogue version the run froze when it started. */
  ServicePolicy policy(DelegateExecution execution, PlannedHost host) {
    return policy(runs.frozenOnly(execution, CATALOGUE), host.service());
  }

  /** The policy of the service of a batch of the plan. */
  ServicePolicy policyOfBatch(Map<String, String> frozen, int batch) {
    String service =
        batch(plan(frozen.get(PLAN)), batch).stream()
            .map(PlannedHost::service)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("the plan has no batch " + batch));
    return policy(frozen, service);
  }

  private ServicePolicy policy(Map<String, String> frozen, String service) {
    return catalogue(frozen.get(CATALOGUE)).policy(RollingRestartRequest.RUNBOOK, service);
  }

  RollingRestartRequest.Action action(DelegateExecution execution) {
    String action = runs.frozen(execution, ACTION);
    for (RollingRestartRequest.Action candidate : RollingRestartRequest.Action.values()) {
      if (candidate.value().equals(action)) {
        return candidate;
      }
    }
    throw new IllegalStateException("the run has no frozen action");
  }

  /**
   * Freezes what every restart run shares, once its request is checked: the services, datacenter,
   * action, mode, reason, ticket, the catalogue version, the plan (hidden; the steps read it) with
   * its summary for the approver ({@value #PLAN_SUMMARY}), the decision reminders' timing, and the
   * batches the diagram goes through ({@code batchNumbers}).
   */
  void freezeRun(
      DelegateExecution execution,
      String services,
      String dc,
      String action,
      ExecutionMode mode,
      String reason,
      String ticket,
      String catalogueVersion,
      RestartPlan plan) {
    runs.freeze(execution, SERVICE, services);
    runs.freeze(execution, DC, dc);
    runs.freeze(execution, ACTION, action);
    runs.freeze(execution, RunVariableNames.MODE, mode.value());
    runs.freeze(execution, RunVariableNames.REASON, reason);
    runs.freeze(execution, RunVariableNames.TICKET, ticket);
    runs.freeze(execution, CATALOGUE, catalogueVersion);
    runs.freeze(
        execution, "decisionEscalationFirst", settings().decisionEscalationFirst().toString());
    runs.freeze(
        execution,
        "decisionEscalationInterval",
        settings().decisionEscalationInterval().toString());
    runs.freezeUnshown(execution, PLAN, planText(plan));
    execution.setVariable(PLAN_SUMMARY, planSummary(plan));
    execution.setVariable(
        "batchNumbers",
        java.util.stream.IntStream.rangeClosed(1, plan.batches().size())
            .mapToObj(String::valueOf)
            .collect(java.util.stream.Collectors.joining(",")));
  }

  /**
   * The plan as a run parameter: one line per host, {@code batch dc cluster fqdn service}, in the
   * order the batches run.
   */
  static String planText(RestartPlan plan) {
    StringBuilder text = new StringBuilder();
    for (RestartPlan.Batch batch : plan.batches()) {
      for (RestartPlan.Host host : batch.hosts()) {
        text.append(batch.number())
            .append(' ')
            .append(host.dc())
            .append(' ')
            .append(host.cluster())
            .append(' ')
            .append(host.fqdn())
            .append(' ')
            .append(batch.service())
            .append('\n');
      }
    }
    return text.toString();
  }

  /** Plans parsed lately, by their text: every step of a run reads the same frozen plan. */
  private static final Map<String, List<PlannedHost>> PARSED_PLANS =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<PlannedHost>> eldest) {
              return size() > 32;
            }
          });

  /** Every host of the frozen plan, batch after batch; the list cannot be changed. */
  static List<PlannedHost> plan(String planText) {
    if (planText == null) {
      return List.of();
    }
    List<PlannedHost> parsed = PARSED_PLANS.get(planText);
    if (parsed == null) {
      parsed = parse(planText);
      PARSED_PLANS.put(planText, parsed);
    }
    return parsed;
  }

  private static List<PlannedHost> parse(String planText) {
    List<PlannedHost> hosts = new ArrayList<>();
    int index = 0;
    for (String line : planText.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      hosts.add(
          new PlannedHost(
              ++index, Integer.parseInt(f[0]), f[4], new RestartPlan.Host(f[3], f[1], f[2])));
    }
    return List.copyOf(hosts);
  }

  List<PlannedHost> plan(DelegateExecution execution) {
    return plan(runs.frozen(execution, PLAN));
  }

  /**
   * The host this part of the run restarts: the multi-instance's {@code host}, in the batch the
   * part runs in when it runs in one (a host may come twice in a plan after a deploy, once per
   * service).
   */
  PlannedHost host(DelegateExecution execution) {
    String fqdn = RunContexts.text(execution, "host");
    String batch = RunContexts.text(execution, "batch");
    return plan(execution).stream()
        .filter(planned -> planned.host().fqdn().equals(fqdn))
        .filter(planned -> batch == null || planned.batch() == Integer.parseInt(batch))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(fqdn + " is not a host of the run's plan"));
  }

  /** What the run learned about a host, or empty. */
  Optional<String> learned(DelegateExecution execution, PlannedHost host, String name) {
    return Optional.ofNullable(runs.frozen(execution, host.parameter(name)))
        .filter(value -> !value.isBlank());
  }

  /** The pool entries the run took the host out of, as recorded before it changed them. */
  List<HostRestart.PoolSlot> depooled(DelegateExecution execution, PlannedHost host) {
    return depooled(runs.frozenOnly(execution, host.parameter("depooled")), host);
  }

  static List<HostRestart.PoolSlot> depooled(Map<String, String> frozen, PlannedHost host) {
    String text = frozen.get(host.parameter("depooled"));
    return text == null
        ? List.of()
        : text.lines()
            .filter(line -> !line.isBlank() && !line.equals(DepoolHostDelegate.NONE))
            .map(HostRestart.PoolSlot::parse)
            .toList();
  }

  /** What the run learned about a host, from the run's parameters read at once; or blank. */
  static String learned(Map<String, String> frozen, PlannedHost host, String name) {
    String value = frozen.get(host.parameter(name));
    return value == null ? "" : value;
  }

  /**
   * The outcome of a failed host the run leaves as it is: "left depooled" when the run took it out
   * of a pool, else "not restarted"; then how it came to be left, and why it failed.
   */
  static String failedOutcome(Map<String, String> frozen, PlannedHost host, String how) {
    return (depooled(frozen, host).isEmpty() ? "not restarted, " : LEFT_DEPOOLED + ", ")
        + how
        + ": "
        + learned(frozen, host, "failure");
  }

  /** The hosts of a batch, in plan order. */
  static List<PlannedHost> batch(List<PlannedHost> plan, int batch) {
    return plan.stream().filter(host -> host.batch() == batch).toList();
  }

  /**
   * The run's context for a step on a host, with what earlier attempts of the step left open
   * settled first ({@link Reconciler}).
   */
  RunContext context(DelegateExecution execution, PlannedHost host) {
    String attempt = learned(execution, host, "attempt").orElse("1");
    RunContext run =
        runs.of(
            execution,
            execution.getCurrentActivityId()
                + " "
                + host.host().fqdn()
                + (attempt.equals("1") ? "" : " (attempt " + attempt + ")"));
    reconciler.reconcile(run);
    return run;
  }

  /**
   * The run's context for a step of the whole run, settled like {@link #context(DelegateExecution,
   * PlannedHost)}.
   */
  RunContext context(DelegateExecution execution) {
    RunContext run = runs.of(execution);
    reconciler.reconcile(run);
    return run;
  }

  /**
   * Runs a step on a host as every step runs ({@link StepRunner#checked}), holding the run's
   * service lock and the host's own lock. A failure is left in the host's own scope ({@link
   * #hostScope}), where {@code ServiceTask_RecordHostFailure} reads it.
   */
  void checked(DelegateExecution execution, PlannedHost host, Runnable step) {
    runner.checked(
        execution,
        hostScope(execution),
        hostLocks(runs.frozenOnly(execution, PLAN, DEPLOY_ID, TURN), host),
        this::hostState,
        () -> {
          step.run();
          return null;
        });
  }

  /**
   * The host's own instance of {@code SubProcess_Hosts}, whose boundary {@code Error_HostFailed}
   * catches a failed step: the execution of {@code SubProcess_RestartHost}, in which the host's
   * steps run, is its child. The diagram declares no variable for the failure there, so each host
   * of a batch creates its own only when it fails; {@code setVariable} would instead climb to the
   * batch's scope, which the hosts running side by side share.
   *
   * @throws IllegalStateException when the step does not run in a host's instance
   */
  static VariableScope hostScope(DelegateExecution execution) {
    ExecutionEntity steps = (ExecutionEntity) execution;
    ActivityImpl restartHost = steps.getActivity().getParentFlowScopeActivity();
    ActivityImpl host = restartHost == null ? null : restartHost.getParentFlowScopeActivity();
    if (!steps.isScope() || host == null || !HOST_SCOPE.equals(host.getId())) {
      throw new IllegalStateException(
          execution.getCurrentActivityId() + " does not run in an instance of " + HOST_SCOPE);
    }
    return steps.getParent();
  }

  /** Makes sure the run holds its service lock and the host's lock; throws when it does not. */
  void holdLocks(DelegateExecution execution, PlannedHost host) {
    runner.hold(execution, hostLocks(runs.frozenOnly(execution, PLAN, DEPLOY_ID, TURN), host));
  }

  /** The locks a step on one host holds: the service's in each datacenter, and the host's. */
  static List<LockTarget> hostLocks(Map<String, String> frozen, PlannedHost host) {
    List<PlannedHost> plan = plan(frozen.get(PLAN));
    List<LockTarget> locks = new ArrayList<>(sharedLocks(frozen, plan));
    if (hasItsTurn(frozen, plan)) {
      locks.add(new LockTarget(HOST_LOCK, host.host().fqdn()));
    }
    return locks;
  }

  /**
   * The locks of a run: {@code rolling-restart} on {@code service/dc} for each service and
   * datacenter of its plan, and {@value #HOST_LOCK} on each host of its plan; none before the plan
   * is frozen. A restart after a deploy holds {@code restart-after-deploy} on its deploy id from
   * its start, and the others only once it has its turn ({@value #TURN}).
   */
  static List<LockTarget> locks(Map<String, String> frozen) {
    List<PlannedHost> plan = plan(frozen.get(PLAN));
    List<LockTarget> locks = new ArrayList<>(sharedLocks(frozen, plan));
    if (hasItsTurn(frozen, plan)) {
      plan.stream()
          .map(host -> host.host().fqdn())
          .distinct()
          .forEach(fqdn -> locks.add(new LockTarget(HOST_LOCK, fqdn)));
    }
    return List.copyOf(locks);
  }

  /**
   * Whether the run holds its service and host locks: it has a plan and is not waiting its turn.
   */
  private static boolean hasItsTurn(Map<String, String> frozen, List<PlannedHost> plan) {
    return !plan.isEmpty() && !WAITING.equals(frozen.get(TURN));
  }

  /**
   * The locks of a run that are not a host's: the deploy's, and the service's in each datacenter
   * once the run has its turn.
   */
  private static List<LockTarget> sharedLocks(Map<String, String> frozen, List<PlannedHost> plan) {
    List<LockTarget> locks = new ArrayList<>();
    String deploy = frozen.get(DEPLOY_ID);
    if (deploy != null) {
      // held from the start: the same deploy is never restarted twice at once
      locks.add(new LockTarget(DeployRestartRequest.RUNBOOK, deploy));
    }
    if (!hasItsTurn(frozen, plan)) {
      return locks;
    }
    plan.stream()
        .map(host -> host.service() + "/" + host.host().dc())
        .distinct()
        .forEach(
            serviceInDc -> locks.add(new LockTarget(RollingRestartRequest.RUNBOOK, serviceInDc)));
    return locks;
  }

  /**
   * The plan as the approver reads it: how many hosts, and each batch's datacenter, service and
   * hosts; cut short, with a count of what is left out, where it would not fit a variable.
   */
  static String planSummary(RestartPlan plan) {
    StringBuilder text =
        new StringBuilder(plan.hosts().size() + " hosts in " + plan.batches().size() + " batches");
    int shown = 0;
    for (RestartPlan.Batch batch : plan.batches()) {
      String line =
          "\nbatch "
              + batch.number()
              + " ("
              + batch.service()
              + ", "
              + batch.dc()
              + "): "
              + String.join(", ", batch.hosts().stream().map(RestartPlan.Host::fqdn).toList());
      if (text.length() + line.length() > 3700) {
        text.append("\n… and ").append(plan.batches().size() - shown).append(" more batches");
        break;
      }
      text.append(line);
      shown++;
    }
    return text.toString();
  }

  /**
   * The host's pool entries as the operator deciding will find them, or why they cannot be read.
   */
  private String hostState(DelegateExecution execution) {
    try {
      PlannedHost planned = host(execution);
      ServicePolicy policy = policy(execution, planned);
      List<String> lines = new ArrayList<>();
      for (String service : policy.depoolFrom()) {
        lines.add(
            planned.host().fqdn()
                + " in "
                + service
                + ": "
                + conftool()
                    .poolEntry(
                        planned.host().dc(),
                        planned.host().cluster(),
                        service,
                        planned.host().fqdn())
                    .map(entry -> "pooled=" + entry.value().pooled())
                    .orElse("no conftool entry"));
      }
      return lines.isEmpty() ? planned.host().fqdn() + " is in no pool" : String.join("\n", lines);
    } catch (RuntimeException e) {
      return "unknown: " + StepRunner.describe(e);
    }
  }

  /** When the readiness wait of a host restarted now gives up. */
  static Instant readyBy(ServicePolicy policy) {
    return now().plus(policy.readinessLimit());
  }

  /** Now on the engine's clock, which the diagram's timers follow too. */
  static Instant now() {
    return ClockUtil.getCurrentTime().toInstant();
  }

  /**
   * How often a host that is not fit or not ready yet is looked at: a twentieth of the policy's
   * readiness limit, at least 2 s and at most {@code switchman.restart.max-poll}.
   */
  Duration readinessPoll(ServicePolicy policy) {
    Duration poll = policy.readinessLimit().dividedBy(20);
    Duration most = restartSettings().maxPoll();
    if (poll.compareTo(most) > 0) {
      poll = most;
    }
    return poll.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : poll;
  }
}
