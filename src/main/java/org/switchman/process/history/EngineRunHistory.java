package org.switchman.process.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricIncident;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstanceQuery;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.task.IdentityLink;
import org.camunda.bpm.engine.task.IdentityLinkType;
import org.camunda.bpm.engine.task.Task;
import org.springframework.stereotype.Component;
import org.switchman.audit.report.Incident;
import org.switchman.audit.report.OpenTask;
import org.switchman.audit.report.ReadOnlyWindow;
import org.switchman.audit.report.RunDeployment;
import org.switchman.audit.report.RunFilter;
import org.switchman.audit.report.RunHistory;
import org.switchman.audit.report.RunPage;
import org.switchman.audit.report.RunRecord;
import org.switchman.audit.report.RunSummary;
import org.switchman.audit.report.TimelineEntry;
import org.switchman.process.RunVariableNames;
import org.switchman.process.switchover.SwitchoverVars;

/**
 * The runs list and run records, read from the engine's history (level FULL). Runs are root process
 * instances; a process a run called (the database lockdown) belongs to its caller's record.
 *
 * <p>Queries run without an authenticated engine user: the pages that call this check who may read.
 */
@Component
public class EngineRunHistory implements RunHistory {

  /** Run variables the list shows; read for a whole page in one query. */
  static final List<String> SUMMARY_VARIABLES =
      List.of(
          RunVariableNames.MODE,
          RunVariableNames.STARTER,
          SwitchoverVars.DC_FROM,
          SwitchoverVars.DC_TO,
          "target",
          RunVariableNames.REASON,
          RunVariableNames.TICKET,
          RunVariableNames.OUTCOME,
          RunVariableNames.FINDINGS,
          SwitchoverVars.READ_ONLY_STARTED_AT,
          SwitchoverVars.READ_ONLY_ENDED_AT,
          SwitchoverVars.READ_ONLY_BUDGET,
          SwitchoverVars.READ_ONLY_BUDGET_EXCEEDED);

  /**
   * The id prefix of a subprocess that only frames a step with its operator decision (the step, the
   * decision and its retry, skip and abort) so that the diagram's top level shows it as one box;
   * the timeline shows the step inside it, not the frame, which bears the same name.
   */
  static final String DECISION_FRAME_PREFIX = "Step_";

  /** Element types the timeline shows; gateways, plain events and loop bodies are left out. */
  private static final Set<String> STEP_TYPES =
      Set.of(
          "subProcess",
          "callActivity",
          "serviceTask",
          "userTask",
          "scriptTask",
          "sendTask",
          "receiveTask",
          "businessRuleTask",
          "task",
          "manualTask",
          "intermediateTimer",
          "boundaryTimer",
          "boundaryError",
          "boundaryMessage",
          "boundarySignal",
          "boundaryEscalation",
          "errorEndEvent",
          "intermediateMessageCatch");

  private static final Set<String> RUN_END_TYPES =
      Set.of("noneEndEvent", "terminateEndEvent", "errorEndEvent", "escalationEndEvent");

  private final HistoryService history;
  private final RepositoryService repository;
  private final TaskService tasks;

  public EngineRunHistory(HistoryService history, RepositoryService repository, TaskService tasks) {
    this.history = history;
    this.repository = repository;
    this.tasks = tasks;
  }

  @Override
  public RunPage runs(RunFilter filter, int offset, int limit) {
    if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException(
          "page: offset must be 0 or more and limit 1 to " + MAX_PAGE);
    }
    HistoricProcessInstanceQuery query =
        history.createHistoricProcessInstanceQuery().rootProcessInstances();
    if (filter.runbook() != null) {
      query.processDefinitionKey(filter.runbook());
    }
    if (filter.user() != null) {
      query.startedBy(filter.user());
    }
    if (filter.from() != null) {
      query.startedAfter(Date.from(filter.from()));
    }
    if (filter.to() != null) {
      query.startedBefore(Date.from(filter.to().minusMillis(1)));
    }
    if (filter.outcome() != null) {
      switch (filter.outcome()) {
        case RunSummary.RUNNING -> query.unfinished();
        case RunSummary.COMPLETED -> query.completed();
        case RunSummary.CANCELLED -> query.externallyTerminated();
        case "terminated" -> query.internallyTerminated();
        case RunSummary.SUSPENDED -> query.suspended();
        default -> query.variableValueEquals(RunVariableNames.OUTCOME, filter.outcome());
      }
    }
    long total = query.count();
    List<HistoricProcessInstance> page =
        total == 0
            ? List.of()
            : query.orderByProcessInstanceStartTime().desc().listPage(offset, limit);
    Map<String, Map<String, Object>> variables =
        runVariables(page.stream().map(HistoricProcessInstance::getId).toList());
    List<RunSummary> runs =
        page.stream()
            .map(run -> summary(run, variables.getOrDefault(run.getId(), Map.of())))
            .toList();
    return new RunPage(runs, offset, limit, total);
  }

  @Override
  public Optional<RunRecord> run(String runId) {
    HistoricProcessInstance run = instance(runId);
    if (run == null) {
      return Optional.empty();
    }
    List<HistoricProcessInstance> tree = new ArrayList<>();
    tree.add(run);
    if (run.getId().equals(run.getRootProcessInstanceId())) {
      history
          .createHistoricProcessInstanceQuery()
          .rootProcessInstanceId(run.getId())
          .orderByProcessInstanceStartTime()
          .asc()
          .list()
          .stream()
          .filter(called -> !called.getId().equals(run.getId()))
          .forEach(tree::add);
    }
    List<String> runIds = tree.stream().map(HistoricProcessInstance::getId).toList();
    List<HistoricActivityInstance> activities = new ArrayList<>();
    for (String id : runIds) {
      activities.addAll(
          history
              .createHistoricActivityInstanceQuery()
              .processInstanceId(id)
              .orderByHistoricActivityInstanceStartTime()
              .asc()
              .orderPartiallyByOccurrence()
              .asc()
              .list());
    }
    Map<String, String> sections = sectionLabels(runIds);
    List<TimelineEntry> timeline = timeline(run.getId(), activities, sections);
    List<String> visited =
        activities.stream()
            .filter(activity -> activity.getProcessInstanceId().equals(run.getId()))
            .map(HistoricActivityInstance::getActivityId)
            .distinct()
            .toList();
    List<String> active =
        activities.stream()
            .filter(
                activity ->
                    activity.getProcessInstanceId().equals(run.getId())
                        && activity.getEndTime() == null)
            .map(HistoricActivityInstance::getActivityId)
            .distinct()
            .toList();
    RunSummary summary =
        summary(run, runVariables(List.of(run.getId())).getOrDefault(run.getId(), Map.of()))
            .withDeployment(deployment(run.getProcessDefinitionId()));
    return Optional.of(
        new RunRecord(
            summary,
            run.getProcessDefinitionId(),
            runIds,
            timeline,
            visited,
            active,
            openTasks(runIds),
            incidents(runIds)));
  }

  @Override
  public Optional<String> diagramXml(String runId) {
    HistoricProcessInstance run = instance(runId);
    if (run == null) {
      return Optional.empty();
    }
    try (InputStream xml = repository.getProcessModel(run.getProcessDefinitionId())) {
      return Optional.of(new String(xml.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<String> runbooks() {
    return repository.createProcessDefinitionQuery().latestVersion().list().stream()
        .map(definition -> definition.getKey())
        .distinct()
        .sorted()
        .toList();
  }

  /** The deployment that holds the definition; who deployed it comes from the journal. */
  private RunDeployment deployment(String definitionId) {
    ProcessDefinition definition =
        repository.createProcessDefinitionQuery().processDefinitionId(definitionId).singleResult();
    if (definition == null) {
      return null;
    }
    Deployment deployment =
        repository
            .createDeploymentQuery()
            .deploymentId(definition.getDeploymentId())
            .singleResult();
    return new RunDeployment(
        definition.getDeploymentId(),
        deployment == null ? null : deployment.getName(),
        deployment == null ? null : instant(deployment.getDeploymentTime()),
        definition.getVersionTag(),
        null);
  }

  private HistoricProcessInstance instance(String runId) {
    if (runId == null || runId.isBlank()) {
      return null;
    }
    return history.createHistoricProcessInstanceQuery().processInstanceId(runId).singleResult();
  }

  // ------------------------------------------------------------------------------- summary

  private Map<String, Map<String, Object>> runVariables(List<String> runIds) {
    if (runIds.isEmpty()) {
      return Map.of();
    }
    Map<String, Map<String, Object>> byRun = new HashMap<>();
    for (HistoricVariableInstance variable :
        history
            .createHistoricVariableInstanceQuery()
            .processInstanceIdIn(runIds.toArray(String[]::new))
            .variableNameIn(SUMMARY_VARIABLES.toArray(String[]::new))
            .disableBinaryFetching()
            .disableCustomObjectDeserialization()
            .list()) {
      // the run's own variables, not a step's local ones of the same name
      if (variable.getProcessInstanceId().equals(variable.getActivityInstanceId())
          && variable.getValue() != null) {
        byRun
            .computeIfAbsent(variable.getProcessInstanceId(), id -> new HashMap<>())
            .put(variable.getName(), variable.getValue());
      }
    }
    return byRun;
  }

  private static RunSummary summary(HistoricProcessInstance run, Map<String, Object> vars) {
    String state =
        switch (run.getState()) {
          case HistoricProcessInstance.STATE_ACTIVE -> RunSummary.RUNNING;
          case HistoricProcessInstance.STATE_SUSPENDED -> RunSummary.SUSPENDED;
          case HistoricProcessInstance.STATE_COMPLETED -> RunSummary.COMPLETED;
          case HistoricProcessInstance.STATE_EXTERNALLY_TERMINATED -> RunSummary.CANCELLED;
          case HistoricProcessInstance.STATE_INTERNALLY_TERMINATED -> "terminated";
          default -> run.getState().toLowerCase();
        };
    String outcome = text(vars.get(RunVariableNames.OUTCOME));
    String target =
        vars.containsKey(SwitchoverVars.DC_FROM) || vars.containsKey(SwitchoverVars.DC_TO)
            ? text(vars.get(SwitchoverVars.DC_FROM)) + " → " + text(vars.get(SwitchoverVars.DC_TO))
            : text(vars.get("target"));
    String startedBy =
        run.getStartUserId() != null
            ? run.getStartUserId()
            : text(vars.get(RunVariableNames.STARTER));
    return new RunSummary(
            run.getId(),
            run.getProcessDefinitionKey(),
            run.getProcessDefinitionName() != null
                ? run.getProcessDefinitionName()
                : run.getProcessDefinitionKey(),
            run.getProcessDefinitionVersion() == null ? 0 : run.getProcessDefinitionVersion(),
            target,
            text(vars.get(RunVariableNames.MODE)),
            startedBy,
            text(vars.get(RunVariableNames.REASON)),
            text(vars.get(RunVariableNames.TICKET)),
            instant(run.getStartTime()),
            instant(run.getEndTime()),
            state,
            outcome != null && !RunSummary.RUNNING.equals(state) ? outcome : state,
            readOnlyWindow(vars))
        .withFindings(text(vars.get(RunVariableNames.FINDINGS)));
  }

  private static ReadOnlyWindow readOnlyWindow(Map<String, Object> vars) {
    Instant started = instant(vars.get(SwitchoverVars.READ_ONLY_STARTED_AT));
    if (started == null) {
      return null;
    }
    Duration budget = null;
    try {
      budget =
          vars.get(SwitchoverVars.READ_ONLY_BUDGET) == null
              ? null
              : Duration.parse(vars.get(SwitchoverVars.READ_ONLY_BUDGET).toString());
    } catch (DateTimeParseException unreadable) {
      // validated at start; an unreadable one is shown as no budget
    }
    return new ReadOnlyWindow(
        started,
        instant(vars.get(SwitchoverVars.READ_ONLY_ENDED_AT)),
        budget,
        Boolean.TRUE.equals(vars.get(SwitchoverVars.READ_ONLY_BUDGET_EXCEEDED)));
  }

  // ------------------------------------------------------------------------------- timeline

  /**
   * The kept steps in tree order: each step followed by what ran inside it, siblings by start time.
   * A called process nests under the call activity that started it.
   */
  private static List<TimelineEntry> timeline(
      String runId, List<HistoricActivityInstance> activities, Map<String, String> sections) {
    Map<String, HistoricActivityInstance> byId = new HashMap<>();
    Map<String, String> callOf = new HashMap<>();
    for (HistoricActivityInstance activity : activities) {
      byId.put(activity.getId(), activity);
      if (activity.getCalledProcessInstanceId() != null) {
        callOf.put(activity.getCalledProcessInstanceId(), activity.getId());
      }
    }
    Map<String, List<HistoricActivityInstance>> children = new HashMap<>();
    for (HistoricActivityInstance activity : activities) {
      String parent = activity.getParentActivityInstanceId();
      if (parent != null
          && parent.equals(activity.getProcessInstanceId())
          && callOf.containsKey(parent)) {
        parent = callOf.get(parent);
      }
      children.computeIfAbsent(parent, key -> new ArrayList<>()).add(activity);
    }
    List<TimelineEntry> out = new ArrayList<>();
    walk(runId, 0, children, sections, out, runId);
    return out;
  }

  private static void walk(
      String parent,
      int depth,
      Map<String, List<HistoricActivityInstance>> children,
      Map<String, String> sections,
      List<TimelineEntry> out,
      String runId) {
    List<HistoricActivityInstance> kids = new ArrayList<>(children.getOrDefault(parent, List.of()));
    kids.sort(Comparator.comparing(HistoricActivityInstance::getStartTime));
    for (HistoricActivityInstance activity : kids) {
      boolean kept =
          (STEP_TYPES.contains(activity.getActivityType())
                  && !activity.getActivityId().startsWith(DECISION_FRAME_PREFIX))
              || (depth == 0
                  && activity.getProcessInstanceId().equals(runId)
                  && RUN_END_TYPES.contains(activity.getActivityType()));
      if (kept) {
        String name =
            activity.getActivityName() != null
                ? activity.getActivityName()
                : activity.getActivityId();
        String section = sections.get(activity.getId());
        if (section == null && activity.getParentActivityInstanceId() != null) {
          section = sections.get(activity.getParentActivityInstanceId());
        }
        out.add(
            new TimelineEntry(
                activity.getActivityId(),
                section == null ? name : name + " (" + section + ")",
                activity.getActivityType(),
                depth,
                instant(activity.getStartTime()),
                instant(activity.getEndTime()),
                activity.isCanceled(),
                activity.getAssignee()));
      }
      walk(activity.getId(), kept ? depth + 1 : depth, children, sections, out, runId);
    }
  }

  /** The section each per-section scope worked on, by activity instance id. */
  private Map<String, String> sectionLabels(List<String> runIds) {
    return history
        .createHistoricVariableInstanceQuery()
        .processInstanceIdIn(runIds.toArray(String[]::new))
        .variableName(RunVariableNames.SECTION)
        .disableBinaryFetching()
        .disableCustomObjectDeserialization()
        .list()
        .stream()
        .filter(variable -> variable.getValue() != null && variable.getActivityInstanceId() != null)
        .collect(
            Collectors.toMap(
                HistoricVariableInstance::getActivityInstanceId,
                variable -> variable.getValue().toString(),
                (first, second) -> first));
  }

  // ------------------------------------------------------------------------------- tasks,
  // incidents

  private List<OpenTask> openTasks(List<String> runIds) {
    List<OpenTask> open = new ArrayList<>();
    for (Task task :
        tasks
            .createTaskQuery()
            .processInstanceIdIn(runIds.toArray(String[]::new))
            .orderByTaskCreateTime()
            .asc()
            .list()) {
      Set<String> groups = new LinkedHashSet<>();
      for (IdentityLink link : tasks.getIdentityLinksForTask(task.getId())) {
        if (IdentityLinkType.CANDIDATE.equals(link.getType()) && link.getGroupId() != null) {
          groups.add(link.getGroupId());
        }
      }
      open.add(
          new OpenTask(
              task.getId(),
              task.getTaskDefinitionKey(),
              task.getName(),
              task.getAssignee(),
              String.join(",", groups),
              instant(task.getCreateTime()),
              instant(task.getDueDate())));
    }
    return open;
  }

  private List<Incident> incidents(List<String> runIds) {
    List<Incident> incidents = new ArrayList<>();
    for (String id : runIds) {
      for (HistoricIncident incident :
          history
              .createHistoricIncidentQuery()
              .processInstanceId(id)
              .orderByCreateTime()
              .asc()
              .list()) {
        String state = incident.isOpen() ? "open" : incident.isResolved() ? "resolved" : "deleted";
        incidents.add(
            new Incident(
                incident.getActivityId(),
                incident.getIncidentType(),
                incident.getIncidentMessage(),
                instant(incident.getCreateTime()),
                instant(incident.getEndTime()),
                state));
      }
    }
    return incidents;
  }

  // ------------------------------------------------------------------------------- values

  private static Instant instant(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Date date) {
      return date.toInstant();
    }
    try {
      return Instant.parse(value.toString());
    } catch (DateTimeParseException unreadable) {
      return null;
    }
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
