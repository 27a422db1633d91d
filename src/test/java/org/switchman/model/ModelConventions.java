package org.switchman.model;

import static org.camunda.bpm.model.bpmn.impl.BpmnModelConstants.CAMUNDA_NS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Activity;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.CallActivity;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.Error;
import org.camunda.bpm.model.bpmn.instance.ErrorEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Escalation;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.IntermediateCatchEvent;
import org.camunda.bpm.model.bpmn.instance.IntermediateThrowEvent;
import org.camunda.bpm.model.bpmn.instance.Message;
import org.camunda.bpm.model.bpmn.instance.MultiInstanceLoopCharacteristics;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.Signal;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.TimerEventDefinition;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaFailedJobRetryTimeCycle;

/**
 * The diagram conventions (README, "Development"), checked on one file at a time. Each violation
 * names the file, the element id and the rule, so that a designer can find and fix it in Camunda
 * Modeler.
 */
final class ModelConventions {

  /** One broken rule. */
  record Violation(String file, String elementId, String rule, String detail) {
    @Override
    public String toString() {
      return file + ": " + elementId + ": [" + rule + "] " + detail;
    }
  }

  /** {@code <Type>_<PascalCaseMeaning>}; a generated id ({@code Activity_0x1y2z3}) fails it. */
  static final Pattern ID = Pattern.compile("[A-Z][A-Za-z]*_[A-Z][A-Za-z0-9]*");

  static final Pattern DELEGATE_EXPRESSION = Pattern.compile("\\$\\{([a-z][A-Za-z0-9]*Delegate)}");

  /** The id prefixes each element type may use. */
  private static final Map<Class<? extends BaseElement>, Set<String>> PREFIXES =
      Map.ofEntries(
          Map.entry(UserTask.class, Set.of("UserTask")),
          Map.entry(ServiceTask.class, Set.of("ServiceTask")),
          Map.entry(StartEvent.class, Set.of("StartEvent")),
          Map.entry(EndEvent.class, Set.of("EndEvent")),
          Map.entry(Gateway.class, Set.of("Gateway")),
          Map.entry(SequenceFlow.class, Set.of("Flow")),
          Map.entry(SubProcess.class, Set.of("SubProcess", "Phase", "Step")),
          Map.entry(CallActivity.class, Set.of("CallActivity")),
          Map.entry(
              BoundaryEvent.class,
              Set.of("Timer", "Error", "Escalation", "Message", "Signal", "Boundary")),
          Map.entry(IntermediateCatchEvent.class, Set.of("Timer", "Message", "Signal", "Event")),
          Map.entry(
              IntermediateThrowEvent.class, Set.of("Event", "Escalation", "Signal", "Message")),
          Map.entry(Error.class, Set.of("Error")),
          Map.entry(Escalation.class, Set.of("Escalation")),
          Map.entry(Message.class, Set.of("Message")),
          Map.entry(Signal.class, Set.of("Signal")));

  /** The id prefix of a subprocess that frames a step with its operator decision. */
  static final String DECISION_FRAME_PREFIX = "Step_";

  static final String CHECK_FAILED = "CHECK_FAILED";
  static final String SWITCHOVER_ABORTED = "SWITCHOVER_ABORTED";

  private final Set<String> delegateBeans;
  private final Set<String> forms;

  /**
   * @param delegateBeans the Spring bean names that a {@code delegateExpression} may name
   * @param forms the form ids present in {@code forms/}
   */
  ModelConventions(Set<String> delegateBeans, Set<String> forms) {
    this.delegateBeans = delegateBeans;
    this.forms = forms;
  }

  List<Violation> check(Path diagram) {
    String file = diagram.getFileName().toString();
    List<Violation> violations = new ArrayList<>();
    BpmnModelInstance model;
    try {
      model = Bpmn.readModelFromFile(diagram.toFile());
    } catch (RuntimeException e) {
      violations.add(new Violation(file, "-", "parse", e.getMessage()));
      return violations;
    }
    String expectedKey = file.replaceFirst("\\.bpmn$", "");
    Collection<Process> processes = model.getModelElementsByType(Process.class);
    List<Process> executable = processes.stream().filter(Process::isExecutable).toList();
    if (executable.size() != 1) {
      violations.add(
          new Violation(
              file,
              "-",
              "one-process",
              "a diagram holds exactly one executable process, found " + executable.size()));
    }
    for (Process process : executable) {
      checkProcess(file, expectedKey, process, violations);
    }
    checkIds(file, model, violations);
    checkGatewayNames(file, model, violations);
    checkTaskNames(file, model, violations);
    checkDecisionFrames(file, model, violations);
    checkDiagramInterchange(file, model, violations);
    DiagramLayout.check(file, model, violations);
    for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
      checkServiceTask(file, task, violations);
    }
    for (UserTask task : model.getModelElementsByType(UserTask.class)) {
      checkUserTask(file, task, violations);
    }
    for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
      if (node.getDocumentations().isEmpty()
          || node.getDocumentations().iterator().next().getTextContent().isBlank()) {
        violations.add(
            new Violation(
                file,
                node.getId(),
                "documentation",
                "every element carries documentation for operators"));
      }
    }
    for (MultiInstanceLoopCharacteristics loop :
        model.getModelElementsByType(MultiInstanceLoopCharacteristics.class)) {
      BaseElement owner = (BaseElement) loop.getParentElement();
      if (!loop.isSequential() && loop.isCamundaExclusive()) {
        violations.add(
            new Violation(
                file,
                owner.getId(),
                "parallel-not-exclusive",
                "a parallel multi-instance sets camunda:exclusive=\"false\""));
      }
    }
    for (IntermediateCatchEvent wait : model.getModelElementsByType(IntermediateCatchEvent.class)) {
      for (TimerEventDefinition timer :
          wait.getEventDefinitions().stream()
              .filter(TimerEventDefinition.class::isInstance)
              .map(TimerEventDefinition.class::cast)
              .toList()) {
        if (insideParallelInstances(wait)
            && !"false".equals(timer.getAttributeValueNs(CAMUNDA_NS, "exclusive"))) {
          violations.add(
              new Violation(
                  file,
                  wait.getId(),
                  "parallel-timer-not-exclusive",
                  "a timer that the instances of a parallel multi-instance wait on sets"
                      + " camunda:exclusive=\"false\" on its timer definition: the engine makes a"
                      + " timer's job exclusive by default, and the instances' waits would then end"
                      + " one after another instead of side by side"));
        }
      }
    }
    for (FlowNode step : model.getModelElementsByType(FlowNode.class)) {
      if (step.isCamundaAsyncBefore() && !step.isCamundaExclusive() && endsParallelInstance(step)) {
        violations.add(
            new Violation(
                file,
                step.getId(),
                "parallel-end-exclusive",
                "the asynchronous step that ends an instance of a parallel multi-instance (its"
                    + " end, or a multi-instance task itself) sets camunda:exclusive=\"false\";"
                    + " it must stay exclusive, the default: the instances' ends update the"
                    + " multi-instance's counts, and two at once fail one of them, which the"
                    + " engine runs again, step and all"));
      }
    }
    return violations;
  }

  /**
   * Whether {@code step}'s job ends an instance of a parallel multi-instance: every way out of it
   * leads straight to an end event of the parallel multi-instance sub-process it lies in, or it is
   * itself a task of a parallel multi-instance, whose instance ends in the job that runs it.
   */
  private static boolean endsParallelInstance(FlowNode step) {
    if (!(step instanceof SubProcess)
        && step instanceof Activity task
        && task.getLoopCharacteristics() instanceof MultiInstanceLoopCharacteristics own
        && !own.isSequential()) {
      return true;
    }
    if (!(step.getParentElement() instanceof SubProcess sub)
        || !(sub.getLoopCharacteristics() instanceof MultiInstanceLoopCharacteristics loop)
        || loop.isSequential()
        || step.getOutgoing().isEmpty()) {
      return false;
    }
    return step.getOutgoing().stream()
        .allMatch(
            flow ->
                flow.getTarget() instanceof EndEvent && flow.getTarget().getParentElement() == sub);
  }

  /** Whether the element lies inside the instances of a parallel multi-instance. */
  private static boolean insideParallelInstances(BaseElement element) {
    for (var parent = element.getParentElement();
        parent != null;
        parent = parent.getParentElement()) {
      if (parent instanceof SubProcess sub
          && sub.getLoopCharacteristics() instanceof MultiInstanceLoopCharacteristics loop
          && !loop.isSequential()) {
        return true;
      }
    }
    return false;
  }

  private static void checkProcess(
      String file, String expectedKey, Process process, List<Violation> violations) {
    if (!expectedKey.equals(process.getId())) {
      violations.add(
          new Violation(
              file,
              process.getId(),
              "file-name-is-key",
              "the process key must equal the file name '" + expectedKey + "'"));
    }
    if (process.getCamundaHistoryTimeToLiveString() == null
        || process.getCamundaHistoryTimeToLiveString().isBlank()) {
      violations.add(
          new Violation(
              file, process.getId(), "history-time-to-live", "set camunda:historyTimeToLive"));
    }
    if (process.getCamundaVersionTag() == null || process.getCamundaVersionTag().isBlank()) {
      violations.add(new Violation(file, process.getId(), "version-tag", "set camunda:versionTag"));
    }
  }

  /**
   * The verbs a task's name may start with: a task is named for what it does, verb then object
   * ("Pool the new DC"). Add a verb here when a runbook needs a new one.
   */
  static final Set<String> VERBS =
      Set.of(
          "Approve",
          "Check",
          "Choose",
          "Confirm",
          "Decide",
          "Depool",
          "Disable",
          "Downtime",
          "Drain",
          "Enable",
          "Escalate",
          "Leave",
          "Lock",
          "Pool",
          "Put",
          "Read",
          "Reboot",
          "Record",
          "Reduce",
          "Remind",
          "Repool",
          "Report",
          "Restart",
          "Restore",
          "Review",
          "Roll",
          "Run",
          "Set",
          "Start",
          "Stop",
          "Take",
          "Unlock",
          "Wait",
          "Warm");

  /**
   * Tasks and call activities are named verb-object; an approval gate is named for the decision it
   * takes (GO/NOGO).
   */
  private static void checkTaskNames(
      String file, BpmnModelInstance model, List<Violation> violations) {
    List<org.camunda.bpm.model.bpmn.instance.Activity> acting = new ArrayList<>();
    acting.addAll(model.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.Task.class));
    acting.addAll(model.getModelElementsByType(CallActivity.class));
    for (var activity : acting) {
      String name = activity.getName() == null ? "" : activity.getName().trim();
      String first = name.isEmpty() ? "" : name.split("[\\s:]+")[0];
      boolean gate = activity instanceof UserTask && name.contains("GO/NOGO");
      if (!gate && !VERBS.contains(first)) {
        violations.add(
            new Violation(
                file,
                activity.getId(),
                "task-verb-object",
                "a task is named verb-object (\"Pool the new DC\"), starting with one of "
                    + "ModelConventions.VERBS; found \""
                    + name
                    + "\""));
      }
    }
  }

  /** A gateway that chooses a way is named as the question it answers ("GO?", "Decision?"). */
  private static void checkGatewayNames(
      String file, BpmnModelInstance model, List<Violation> violations) {
    for (ExclusiveGateway gateway : model.getModelElementsByType(ExclusiveGateway.class)) {
      String name = gateway.getName() == null ? "" : gateway.getName().trim();
      if (gateway.getOutgoing().size() > 1 && !name.endsWith("?")) {
        violations.add(
            new Violation(
                file,
                gateway.getId(),
                "gateway-question",
                "a gateway that chooses is named as a question, e.g. \"GO?\"; found \""
                    + name
                    + "\""));
      }
    }
  }

  /**
   * A {@value #DECISION_FRAME_PREFIX}* subprocess frames one step with its operator decision,
   * always in the same shape, so that the diagram's top level shows the step as one box and a
   * designer who opens any frame finds the same pattern: the step, named as the frame; its {@code
   * Check failed} boundary (error {@value #CHECK_FAILED}) into the one decision task (form {@code
   * failure-decision}); a gateway after it whose ways are {@code retry} (back before the step),
   * {@code skip} and {@code abort}; and abort ending the frame with the error {@value
   * #SWITCHOVER_ABORTED}, which a boundary outside takes to the rollback.
   */
  private static void checkDecisionFrames(
      String file, BpmnModelInstance model, List<Violation> violations) {
    for (SubProcess frame : model.getModelElementsByType(SubProcess.class)) {
      if (!frame.getId().startsWith(DECISION_FRAME_PREFIX)) {
        continue;
      }
      List<String> problems = new ArrayList<>();
      List<UserTask> decisions =
          frame.getChildElementsByType(UserTask.class).stream()
              .filter(task -> "failure-decision".equals(task.getCamundaFormRef()))
              .toList();
      if (decisions.size() != 1) {
        problems.add("holds one decision task (form failure-decision), found " + decisions.size());
      } else {
        UserTask decision = decisions.get(0);
        List<BoundaryEvent> checks =
            decision.getIncoming().stream()
                .map(SequenceFlow::getSource)
                .filter(BoundaryEvent.class::isInstance)
                .map(BoundaryEvent.class::cast)
                .filter(b -> errorCodes(b).contains(CHECK_FAILED))
                .filter(b -> b.getAttachedTo().getParentElement() == frame)
                .toList();
        if (checks.size() != 1) {
          problems.add(
              "its decision task is opened by one boundary catching "
                  + CHECK_FAILED
                  + " on the framed step, found "
                  + checks.size());
        } else if (!String.valueOf(checks.get(0).getAttachedTo().getName())
            .equals(frame.getName())) {
          problems.add(
              "is named as the step it frames, \""
                  + checks.get(0).getAttachedTo().getName()
                  + "\"");
        }
        List<FlowNode> next = decision.getOutgoing().stream().map(SequenceFlow::getTarget).toList();
        if (next.size() != 1 || !(next.get(0) instanceof ExclusiveGateway route)) {
          problems.add("its decision task leads to one gateway that routes the decision");
        } else {
          Map<String, FlowNode> ways =
              route.getOutgoing().stream()
                  .collect(
                      Collectors.toMap(
                          f -> String.valueOf(f.getName()), SequenceFlow::getTarget, (a, b) -> a));
          if (!ways.containsKey("retry")
              || !Set.of("retry", "skip", "abort").containsAll(ways.keySet())) {
            problems.add("its decision's ways are retry, skip and abort, found " + ways.keySet());
          }
          FlowNode abort = ways.get("abort");
          if (abort != null
              && !(abort instanceof EndEvent end && errorCodes(end).contains(SWITCHOVER_ABORTED))) {
            problems.add("abort ends the frame with the error " + SWITCHOVER_ABORTED);
          }
        }
      }
      problems.forEach(
          p -> violations.add(new Violation(file, frame.getId(), "decision-frame", p)));
    }
  }

  private static Set<String> errorCodes(org.camunda.bpm.model.bpmn.instance.Event event) {
    return event.getChildElementsByType(ErrorEventDefinition.class).stream()
        .map(ErrorEventDefinition::getError)
        .filter(java.util.Objects::nonNull)
        .map(Error::getErrorCode)
        .collect(Collectors.toSet());
  }

  private static void checkIds(String file, BpmnModelInstance model, List<Violation> violations) {
    PREFIXES.forEach(
        (type, prefixes) -> {
          for (BaseElement element : model.getModelElementsByType(type)) {
            String id = element.getId();
            boolean unconditionalFlow =
                element instanceof SequenceFlow flow && flow.getConditionExpression() == null;
            Matcher matcher = ID.matcher(id == null ? "" : id);
            if (!matcher.matches()) {
              if (!unconditionalFlow) {
                violations.add(
                    new Violation(
                        file,
                        String.valueOf(id),
                        "id-pattern",
                        "ids are <Type>_<PascalCaseMeaning>, e.g. "
                            + prefixes.iterator().next()
                            + "_SomethingMeaningful; generated ids are allowed on unconditional flows only"));
              }
              continue;
            }
            String prefix = id.substring(0, id.indexOf('_'));
            if (!prefixes.contains(prefix) && !unconditionalFlow) {
              violations.add(
                  new Violation(
                      file,
                      id,
                      "id-prefix",
                      type.getSimpleName() + " ids start with one of " + prefixes));
            }
          }
        });
  }

  private static void checkDiagramInterchange(
      String file, BpmnModelInstance model, List<Violation> violations) {
    Set<String> shapes =
        model.getModelElementsByType(BpmnShape.class).stream()
            .filter(shape -> shape.getBpmnElement() != null)
            .map(shape -> shape.getBpmnElement().getId())
            .collect(Collectors.toSet());
    Set<String> edges =
        model.getModelElementsByType(BpmnEdge.class).stream()
            .filter(edge -> edge.getBpmnElement() != null)
            .map(edge -> edge.getBpmnElement().getId())
            .collect(Collectors.toSet());
    for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
      if (!shapes.contains(node.getId())) {
        violations.add(
            new Violation(
                file,
                node.getId(),
                "di-shape",
                "no BPMNShape: the element does not appear in Camunda Modeler"));
      }
    }
    for (SequenceFlow flow : model.getModelElementsByType(SequenceFlow.class)) {
      if (!edges.contains(flow.getId())) {
        violations.add(
            new Violation(
                file,
                flow.getId(),
                "di-edge",
                "no BPMNEdge: the flow does not appear in Camunda Modeler"));
      }
    }
  }

  private void checkServiceTask(String file, ServiceTask task, List<Violation> violations) {
    String expression = task.getCamundaDelegateExpression();
    Matcher matcher = DELEGATE_EXPRESSION.matcher(expression == null ? "" : expression);
    if (!matcher.matches()) {
      violations.add(
          new Violation(
              file,
              task.getId(),
              "delegate-expression",
              "service tasks use camunda:delegateExpression=\"${verbObjectDelegate}\", found "
                  + (expression != null
                      ? expression
                      : task.getCamundaClass() != null
                          ? "camunda:class " + task.getCamundaClass()
                          : "none")));
    } else if (!delegateBeans.contains(matcher.group(1))) {
      violations.add(
          new Violation(
              file,
              task.getId(),
              "delegate-bean",
              "no Spring bean named '" + matcher.group(1) + "'"));
    }
    boolean sharesAJob =
        !task.isCamundaAsyncBefore() && onlyChecksLeadFromASavePoint(task, new HashSet<>());
    if (sharesAJob) {
      return;
    }
    if (!task.isCamundaAsyncBefore()) {
      violations.add(
          new Violation(
              file,
              task.getId(),
              "async-before",
              "service tasks set camunda:asyncBefore=\"true\" so that a crash resumes at the step,"
                  + " unless only checks (check...Delegate) and gateways lead to them from a job's"
                  + " start (an asynchronous step, or a timer with a retry cycle): a job holds"
                  + " reads and at most one change, last"));
    }
    if (!hasRetryCycle(task)) {
      violations.add(
          new Violation(
              file,
              task.getId(),
              "retry-cycle",
              "service tasks declare a failedJobRetryTimeCycle"));
    }
  }

  /**
   * Whether every way into {@code node} comes from the start of a job (an asynchronous step, a
   * timer) through checks and gateways only, so that a crash before the job commits repeats reads
   * and never a change made earlier in the job.
   */
  private static boolean onlyChecksLeadFromASavePoint(FlowNode node, Set<FlowNode> seen) {
    if (!seen.add(node)) {
      return true; // a loop back to a node whose other ways in are being looked at
    }
    if (node.getIncoming().isEmpty()) {
      return false;
    }
    for (SequenceFlow flow : node.getIncoming()) {
      FlowNode before = flow.getSource();
      boolean fine;
      if (before instanceof ServiceTask step && step.isCamundaAsyncAfter()) {
        fine = true;
      } else if (before instanceof ServiceTask step && isCheck(step)) {
        fine = step.isCamundaAsyncBefore() || onlyChecksLeadFromASavePoint(step, seen);
      } else if (before instanceof ExclusiveGateway gateway
          && !gateway.isCamundaAsyncBefore()
          && !gateway.isCamundaAsyncAfter()) {
        fine = onlyChecksLeadFromASavePoint(gateway, seen);
      } else {
        // a timer's job runs what follows it, and retries it as the timer's retry cycle says
        fine =
            before instanceof IntermediateCatchEvent timer
                && timer.getEventDefinitions().stream()
                    .anyMatch(TimerEventDefinition.class::isInstance)
                && hasRetryCycle(timer);
      }
      if (!fine) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasRetryCycle(BaseElement element) {
    return element.getExtensionElements() != null
        && !element
            .getExtensionElements()
            .getElementsQuery()
            .filterByType(CamundaFailedJobRetryTimeCycle.class)
            .list()
            .isEmpty();
  }

  private static boolean isCheck(ServiceTask task) {
    Matcher matcher =
        DELEGATE_EXPRESSION.matcher(
            task.getCamundaDelegateExpression() == null ? "" : task.getCamundaDelegateExpression());
    return matcher.matches() && matcher.group(1).startsWith("check");
  }

  private void checkUserTask(String file, UserTask task, List<Violation> violations) {
    if (task.getCamundaCandidateGroups() == null || task.getCamundaCandidateGroups().isBlank()) {
      violations.add(
          new Violation(
              file,
              task.getId(),
              "candidate-groups",
              "user tasks name their camunda:candidateGroups"));
    }
    String formRef = task.getCamundaFormRef();
    if (formRef == null || formRef.isBlank()) {
      violations.add(
          new Violation(
              file,
              task.getId(),
              "form-ref",
              "user tasks use camunda:formRef with a form from forms/"));
    } else {
      if (!forms.contains(formRef)) {
        violations.add(
            new Violation(
                file, task.getId(), "form-exists", "no form '" + formRef + "' in forms/"));
      }
      if (!"deployment".equals(task.getCamundaFormRefBinding())) {
        violations.add(
            new Violation(
                file,
                task.getId(),
                "form-ref-binding",
                "camunda:formRefBinding must be \"deployment\""));
      }
    }
  }

  /** The ids of the forms in a folder: the {@code id} of each {@code *.form} file. */
  static Set<String> formIds(Path formsDir) throws java.io.IOException {
    if (!Files.isDirectory(formsDir)) {
      return Set.of();
    }
    Pattern idPattern = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    Set<String> ids = new java.util.HashSet<>();
    try (var files = Files.list(formsDir)) {
      for (Path form : files.filter(p -> p.toString().endsWith(".form")).toList()) {
        Matcher matcher = idPattern.matcher(Files.readString(form));
        String name = form.getFileName().toString().replaceFirst("\\.form$", "");
        if (matcher.find() && matcher.group(1).equals(name)) {
          ids.add(name);
        }
      }
    }
    return ids;
  }
}
