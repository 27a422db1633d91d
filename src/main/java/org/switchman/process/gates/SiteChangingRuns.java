package org.switchman.process.gates;

import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.impl.HistoricActivityInstanceQueryImpl;
import org.camunda.bpm.engine.impl.ProcessInstanceQueryImpl;
import org.camunda.bpm.engine.impl.batch.BatchElementConfiguration;
import org.camunda.bpm.engine.impl.cmd.AbstractDeleteProcessDefinitionCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractUpdateProcessInstancesSuspendStateCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteDeploymentCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessDefinitionsByIdsCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.GetActivityInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.SuspendJobCmd;
import org.camunda.bpm.engine.impl.cmd.SuspendJobDefinitionCmd;
import org.camunda.bpm.engine.impl.cmd.SuspendProcessDefinitionCmd;
import org.camunda.bpm.engine.impl.cmd.SuspendProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.batch.DeleteProcessInstanceBatchCmd;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.JobDefinitionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.runtime.ActivityInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.switchman.process.RunVariableNames;

/**
 * Cancelling or suspending a live run of a runbook that changes the site: {@code dc-switchover},
 * {@code db-masters-read-only}, {@code db-masters-read-write}, {@code rolling-restart}, {@code
 * restart-after-deploy} (a cancelled restart leaves the hosts of its batch out of their pools; its
 * abort puts them back) and {@code discovery-datacenter} (a cancelled pool or depool leaves the
 * services it changed as they are; its abort puts them back).
 *
 * <p><b>The rule:</b> nobody but {@code camunda-admin} cancels (deletes) or suspends a live run of
 * these runbooks, whatever state it is in and whatever API is used: a single delete, a delete of
 * several runs, an asynchronous delete batch (by ids, by a runtime query or by a historic query), a
 * cascading delete of their definition or deployment, and a suspension of the run, of its jobs, of
 * its job definitions with their jobs, or of its definition with its runs (synchronous or as a
 * batch). Every one of those is refused with {@link GateRefusedException} (403).
 *
 * <p><b>Why any live run, not only one inside its read-only window:</b> a cancellation runs no
 * rollback, it leaves the site exactly as it is at that moment. Inside the switchover's read-only
 * window ({@code SubProcess_ReadOnlyWindow}) that is MediaWiki read-only and DB masters read-only;
 * after GO of a lockdown, masters locked. But even before the window, phase 0 has already reduced
 * the discovery TTLs and disabled puppet on the maintenance hosts, and phase 1 has stopped
 * maintenance: a cancel leaves them so, and only a NOGO or an abort restores them. The only state
 * in which a cancel changes nothing is a standalone lockdown still waiting for its GO/NOGO, and
 * there a NOGO ends the run just as well, journaled as a decision. A rule that told these states
 * apart would have to read the run's position while it moves (a job may leave the wait in the same
 * instant), so it could be raced; "no cancel or suspension of a live run" cannot. Operators end a
 * run through its own paths (NOGO, abort); a suspended run inside the read-only window is as bad as
 * a cancelled one, since nothing escalates while it is suspended.
 *
 * <p>Operators, approvers, auditors and designers hold no DELETE or UPDATE on runs (see {@code
 * org.switchman.process.security.AccessModel}), so the engine refuses them already; this rule holds
 * for anyone an administrator grants those permissions to later, and keeps {@code camunda-admin}'s
 * cancellations visible: {@link AdminActions#recordLeftBehind} journals what each one leaves behind
 * and raises an alarm in the ops log.
 */
final class SiteChangingRuns {

  /** The runbooks whose live runs only {@code camunda-admin} cancels or suspends. */
  static final Set<String> RUNBOOKS =
      Set.of(
          "dc-switchover",
          "db-masters-read-only",
          "db-masters-read-write",
          "rolling-restart",
          "restart-after-deploy",
          "discovery-datacenter",
          "host-reboot");

  static final String READ_ONLY_WINDOW = "SubProcess_ReadOnlyWindow";

  private SiteChangingRuns() {}

  /** What a command would do to live runs of these runbooks: a verb and the runs. */
  record Affected(String verb, List<ProcessInstance> runs) {
    /** The verb as done: "cancelled", "suspended", "suspended the jobs of". */
    String done() {
      return verb.equals("cancel") ? "cancelled" : verb.replaceFirst("^suspend", "suspended");
    }

    String describe() {
      List<String> named =
          runs.stream().limit(5).map(run -> "run " + run.getId() + " of " + key(run)).toList();
      return String.join(", ", named)
          + (runs.size() > 5 ? " and " + (runs.size() - 5) + " more" : "");
    }
  }

  /**
   * The live runs of these runbooks that the command would cancel or suspend, or {@code null} when
   * it touches none (or is no cancellation or suspension at all).
   */
  static Affected affected(Command<?> command, CommandContext context) {
    String verb;
    ProcessInstanceQueryImpl query;
    if (command instanceof DeleteProcessInstanceCmd) {
      verb = "cancel";
      query = byIds(List.of((String) GateGuard.field(command, "processInstanceId")));
    } else if (command instanceof DeleteProcessInstancesCmd) {
      verb = "cancel";
      query = byIds((Collection<?>) GateGuard.field(command, "processInstanceIds"));
    } else if (command instanceof DeleteProcessInstanceBatchCmd) {
      verb = "cancel";
      query = byIds(collectedIds(command, context));
    } else if (command instanceof AbstractUpdateProcessInstancesSuspendStateCmd<?>
        && Boolean.TRUE.equals(GateGuard.field(command, "suspending"))) {
      verb = "suspend";
      query = byIds(collectedIds(command, context));
    } else if (command instanceof SuspendProcessInstanceCmd) {
      verb = "suspend";
      query =
          byScope(
              GateGuard.field(command, "processInstanceId"),
              GateGuard.field(command, "processDefinitionId"),
              GateGuard.field(command, "processDefinitionKey"));
    } else if (command instanceof SuspendProcessDefinitionCmd
        && Boolean.TRUE.equals(GateGuard.field(command, "includeSubResources"))) {
      verb = "suspend";
      query =
          byScope(
              null,
              GateGuard.field(command, "processDefinitionId"),
              GateGuard.field(command, "processDefinitionKey"));
    } else if (command instanceof SuspendJobCmd) {
      verb = "suspend the jobs of";
      query = jobScope(command, context);
    } else if (command instanceof SuspendJobDefinitionCmd
        && Boolean.TRUE.equals(GateGuard.field(command, "includeSubResources"))) {
      verb = "suspend the jobs of";
      query =
          jobDefinitionScope(
              GateGuard.field(command, "jobDefinitionId"),
              GateGuard.field(command, "processDefinitionId"),
              GateGuard.field(command, "processDefinitionKey"),
              context);
    } else if (command instanceof DeleteProcessDefinitionsByIdsCmd
        && Boolean.TRUE.equals(GateGuard.field(command, "cascadeToInstances"))) {
      verb = "cancel";
      query = anyOf((Collection<?>) GateGuard.field(command, "processDefinitionIds"), context);
    } else if (command instanceof AbstractDeleteProcessDefinitionCmd
        && Boolean.TRUE.equals(GateGuard.field(command, "cascade"))) {
      verb = "cancel";
      query = byScope(null, null, GateGuard.fieldOrNull(command, "processDefinitionKey"));
    } else if (command instanceof DeleteDeploymentCmd
        && Boolean.TRUE.equals(GateGuard.field(command, "cascade"))) {
      verb = "cancel";
      query = new ProcessInstanceQueryImpl();
      query.deploymentId((String) GateGuard.field(command, "deploymentId"));
    } else {
      return null;
    }
    if (query == null) {
      return null;
    }
    query.processDefinitionKeyIn(RUNBOOKS.toArray(String[]::new));
    ProcessInstanceQueryImpl runs = query;
    List<ProcessInstance> found =
        context.runWithoutAuthorization(() -> runs.executeList(context, null));
    return found.isEmpty() ? null : new Affected(verb, found);
  }

  /**
   * What cancelling (or suspending) the run now leaves behind, in words for the journal and the ops
   * log: where the run stands, and what of the site may still be changed, since a cancellation
   * rolls nothing back. Read before the command runs.
   *
   * @param parameters the run's frozen parameters (mode, datacenters, when ReadOnly was set)
   */
  static String leftBehind(
      ProcessInstance run, Map<String, String> parameters, CommandContext context) {
    Set<String> active = new LinkedHashSet<>();
    try {
      ActivityInstance tree =
          context.runWithoutAuthorization(new GetActivityInstanceCmd(run.getId()));
      collect(tree, active);
    } catch (ProcessEngineException inFlux) {
      // the engine cannot build the activity tree while a step of the run is between two states
      // ("No parent activity instance … generated"): the executions still say where it stands, and
      // the cancellation must not fail for want of a description
      context.getExecutionManager().findExecutionsByProcessInstanceId(run.getId()).stream()
          .map(execution -> execution.getActivityId())
          .filter(java.util.Objects::nonNull)
          .forEach(active::add);
    }
    active.remove(run.getProcessDefinitionId());
    active.removeIf(id -> id.endsWith("#multiInstanceBody"));
    String mode = parameters.getOrDefault(RunVariableNames.MODE, "live");
    String from = parameters.getOrDefault("dcFrom", "the old datacenter");
    String to = parameters.getOrDefault("dcTo", "the new datacenter");
    String at = "the run stood at " + String.join(", ", active) + ": ";
    if (mode.equals("dry-run")) {
      return at + "a dry-run, which changed nothing outside; the runbook lock is released";
    }
    String key = key(run);
    String state;
    if (key.equals("dc-switchover")) {
      state = switchoverLeft(run, active, parameters, from, to, context);
    } else if (key.equals("rolling-restart") || key.equals("restart-after-deploy")) {
      state = restartLeft(parameters);
    } else if (key.equals("discovery-datacenter")) {
      state = discoveryLeft(parameters);
    } else if (key.equals("host-reboot")) {
      state = rebootLeft(parameters);
    } else if (active.contains("UserTask_GoNoGo") && !active.contains("SubProcess_Sections")) {
      state = "still waiting for GO/NOGO, nothing was changed";
    } else if (key.equals("db-masters-read-only")) {
      state =
          "masters locked: the DB masters of "
              + from
              + " may be read-only in some or all sections"
              + " (nothing was rolled back; a section's master is read-write again only by hand)";
    } else {
      state =
          "masters locked: the DB masters of "
              + to
              + " may still be read-only in some or all"
              + " sections (nothing was rolled back; set them read-write by hand)";
    }
    return at
        + state
        + ("live-test".equals(mode)
            ? " (live-test: only the passive datacenter was acted on)"
            : "");
  }

  /**
   * The services a cancelled pool or depool began to change and did not put back: each {@code
   * pooling.SERVICE.state} that is {@code changing}, {@code changed} or {@code skipped}.
   */
  private static String discoveryLeft(Map<String, String> parameters) {
    java.util.List<String> left = new java.util.ArrayList<>();
    parameters.forEach(
        (name, value) -> {
          if (name.startsWith("pooling.")
              && name.endsWith(".state")
              && List.of("changing", "changed", "skipped").contains(value)) {
            left.add(name.substring(8, name.length() - 6) + " (" + value + ")");
          }
        });
    java.util.Collections.sort(left);
    return left.isEmpty()
        ? "no discovery service was changed yet"
        : "discovery services left as the run had changed them (nothing was put back): "
            + String.join(", ", left);
  }

  /**
   * What a cancelled host reboot leaves: the pools it took the host out of (never put back by a
   * cancel), whether it asked for the reboot, and the units it had stopped.
   */
  static String rebootLeft(Map<String, String> parameters) {
    String host = parameters.getOrDefault("host", "the host");
    String depooled = parameters.getOrDefault("reboot.depooled", "none");
    if (parameters.containsKey("reboot.outcome")) {
      return host + ": " + parameters.get("reboot.outcome");
    }
    return host
        + (depooled.equals("none")
            ? " was taken out of no pool"
            : " left depooled from " + depooled.replace('\n', ' '))
        + (parameters.containsKey("reboot.requestedAt")
            ? ", its reboot was asked for"
            : parameters.containsKey("reboot.stopped")
                ? ", not rebooted, its stopped services ("
                    + parameters.get("reboot.stopped").replace('\n', ' ')
                    + ") may still be down"
                : ", not rebooted")
        + (parameters.containsKey("reboot.depooledAt") ? ", its downtime runs out by itself" : "");
  }

  /**
   * The hosts a cancelled rolling restart took out of their pools and had not put back: each host's
   * record {@code host.i.depooled} without an outcome, or with one that left it depooled.
   */
  private static String restartLeft(Map<String, String> parameters) {
    java.util.List<String> left = new java.util.ArrayList<>();
    parameters.forEach(
        (name, value) -> {
          if (name.startsWith("host.") && name.endsWith(".depooled") && !value.equals("-")) {
            String outcome =
                parameters.getOrDefault(name.replaceFirst("\\.depooled$", ".outcome"), "");
            if (outcome.isBlank() || outcome.startsWith("left depooled")) {
              left.add(value.replace('\n', ' '));
            }
          }
        });
    return left.isEmpty()
        ? "no host was out of its pools because of this run"
        : "these pool entries stay depooled (nothing was put back; repool them by hand): "
            + String.join(", ", left);
  }

  private static String switchoverLeft(
      ProcessInstance run,
      Set<String> active,
      Map<String, String> parameters,
      String from,
      String to,
      CommandContext context) {
    if (active.contains(READ_ONLY_WINDOW)) {
      Instant since = windowOpened(run.getId(), context);
      String readOnlySet = parameters.get("readOnlyStartedAt");
      StringBuilder text =
          new StringBuilder("inside the read-only window since ")
              .append(since == null ? "an unknown time" : since.toString())
              .append(": MediaWiki ReadOnly may still be on")
              .append(readOnlySet == null ? "" : " (set at " + readOnlySet + ")")
              .append("; the DB masters of ")
              .append(from)
              .append(" may be read-only")
              .append(" and those of ")
              .append(to)
              .append(" not yet writable");
      if (active.contains("Phase_SwitchDiscovery")
          || active.contains("Phase_SetDbMastersReadWrite")
          || active.contains("Phase_SetReadWrite")) {
        text.append("; discovery and WMFMasterDatacenter may be switched to ")
            .append(to)
            .append(" in part or in full");
      }
      return text.append(
              "; nothing was rolled back: restore the site by hand (the run's journal lists"
                  + " every change it performed)")
          .append(SCAP_LOCK_LEFT)
          .toString();
    }
    if (active.contains("ServiceTask_RollBackSwitchover")) {
      return "during the rollback: the site may be half rolled back (ReadOnly, masters, discovery,"
          + " TTLs, puppet, maintenance); finish the rollback by hand from the run's journal"
          + SCAP_LOCK_LEFT;
    }
    if (active.contains("UserTask_ConfirmManualFollowUp")) {
      return "at the manual follow-up checklist: the site runs on "
          + to
          + " and every automated step is done; the run's journal lists the manual steps ticked"
          + " (CHECKLIST), the others were neither done nor waived through the run";
    }
    if (active.contains("Phase_RestoreMediaWiki")
        || active.contains("Phase_PostReadOnly")
        || active.contains("UserTask_DecideOnRestoreMediaWikiFailure")
        || active.contains("UserTask_DecideOnPostReadOnlyFailure")
        || active.contains("ServiceTask_CheckSwitchedOverState")) {
      return "after the read-only window: the site runs on "
          + to
          + "; maintenance may not run in "
          + to
          + ", the discovery TTLs may still be reduced, puppet may still be disabled and the downtimes"
          + " of the read-only checks may remain"
          + SCAP_LOCK_LEFT;
    }
    return "before the read-only window: MediaWiki is writable, but the discovery TTLs may be reduced"
        + " to 10 s, puppet disabled on the maintenance hosts and maintenance stopped; nothing was"
        + " rolled back"
        + SCAP_LOCK_LEFT;
  }

  /**
   * What a switchover cancelled between phase 0 and phase 9 may leave on the deployment server: its
   * scap lock, which nothing but its own end or its holder ends.
   */
  static final String SCAP_LOCK_LEFT =
      "; scap's lock on the deployment server may still hold every deployment (it ends by itself 6"
          + " h after phase 0 took it, or when its holder ends it)";

  private static Instant windowOpened(String runId, CommandContext context) {
    HistoricActivityInstanceQueryImpl query = new HistoricActivityInstanceQueryImpl();
    query.processInstanceId(runId);
    query.activityId(READ_ONLY_WINDOW);
    query.unfinished();
    List<HistoricActivityInstance> open =
        context.runWithoutAuthorization(() -> query.executeList(context, null));
    return open.stream()
        .map(a -> a.getStartTime().toInstant())
        .max(Instant::compareTo)
        .orElse(null);
  }

  private static void collect(ActivityInstance instance, Set<String> into) {
    if (instance == null) {
      return;
    }
    into.add(instance.getActivityId());
    for (ActivityInstance child : instance.getChildActivityInstances()) {
      collect(child, into);
    }
    for (var transition : instance.getChildTransitionInstances()) {
      into.add(transition.getActivityId());
    }
  }

  static String key(ProcessInstance run) {
    String definition = run.getProcessDefinitionId();
    return definition == null ? "?" : definition.split(":")[0];
  }

  private static ProcessInstanceQueryImpl byIds(Collection<?> ids) {
    if (ids == null || ids.isEmpty()) {
      return null;
    }
    Set<String> set = new LinkedHashSet<>();
    ids.forEach(id -> set.add(String.valueOf(id)));
    ProcessInstanceQueryImpl query = new ProcessInstanceQueryImpl();
    query.processInstanceIds(set);
    return query;
  }

  private static ProcessInstanceQueryImpl byScope(
      Object instance, Object definitionId, Object definitionKey) {
    if (instance instanceof String id) {
      return byIds(List.of(id));
    }
    ProcessInstanceQueryImpl query = new ProcessInstanceQueryImpl();
    if (definitionId instanceof String id) {
      query.processDefinitionId(id);
    } else if (definitionKey instanceof String key) {
      query.processDefinitionKey(key);
    } else {
      return null;
    }
    return query;
  }

  private static ProcessInstanceQueryImpl jobScope(Command<?> command, CommandContext context) {
    if (GateGuard.field(command, "jobId") instanceof String jobId) {
      JobEntity job = context.getJobManager().findJobById(jobId);
      return job == null || job.getProcessInstanceId() == null
          ? null
          : byIds(List.of(job.getProcessInstanceId()));
    }
    if (GateGuard.field(command, "jobDefinitionId") instanceof String definition) {
      return jobDefinitionScope(definition, null, null, context);
    }
    return byScope(
        GateGuard.field(command, "processInstanceId"),
        GateGuard.field(command, "processDefinitionId"),
        GateGuard.field(command, "processDefinitionKey"));
  }

  private static ProcessInstanceQueryImpl jobDefinitionScope(
      Object jobDefinitionId, Object definitionId, Object definitionKey, CommandContext context) {
    if (jobDefinitionId instanceof String id) {
      JobDefinitionEntity definition = context.getJobDefinitionManager().findById(id);
      return definition == null ? null : byScope(null, definition.getProcessDefinitionId(), null);
    }
    return byScope(null, definitionId, definitionKey);
  }

  /** The live runs of any of the definitions: one query per definition, merged by id. */
  private static ProcessInstanceQueryImpl anyOf(
      Collection<?> definitionIds, CommandContext context) {
    if (definitionIds == null || definitionIds.isEmpty()) {
      return null;
    }
    List<String> ids = new ArrayList<>();
    for (Object definition : definitionIds) {
      ProcessInstanceQueryImpl query = new ProcessInstanceQueryImpl();
      query.processDefinitionId(String.valueOf(definition));
      context
          .runWithoutAuthorization(() -> query.executeList(context, null))
          .forEach(run -> ids.add(run.getId()));
    }
    return ids.isEmpty() ? null : byIds(ids);
  }

  /**
   * The run ids a batch or bulk command selects, collected exactly as the command will collect them
   * (its own protected method), so a query or a historic query cannot hide a run.
   */
  private static List<String> collectedIds(Command<?> command, CommandContext context) {
    try {
      Method collect = null;
      for (Class<?> c = command.getClass(); c != null && collect == null; c = c.getSuperclass()) {
        for (Method m : c.getDeclaredMethods()) {
          if (m.getName().equals("collectProcessInstanceIds") && m.getParameterCount() == 1) {
            collect = m;
          }
        }
      }
      if (collect == null) {
        throw new IllegalStateException("no collectProcessInstanceIds");
      }
      collect.setAccessible(true);
      BatchElementConfiguration elements =
          (BatchElementConfiguration) collect.invoke(command, context);
      return elements.getIds();
    } catch (java.lang.reflect.InvocationTargetException e) {
      return List.of(); // the selection itself is bad: the command answers that on its own
    } catch (ReflectiveOperationException | IllegalStateException e) {
      throw new GateRefusedException(
          "The engine command "
              + command.getClass().getSimpleName()
              + " cannot be checked against the rules for live runs, so it is refused: "
              + e);
    }
  }
}
