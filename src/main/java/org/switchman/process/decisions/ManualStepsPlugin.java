package org.switchman.process.decisions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.bpmn.behavior.UserTaskActivityBehavior;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.stereotype.Component;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.JournalOutbox;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.EngineHooks;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.runbook.EchoedInput;
import org.switchman.runbook.switchover.ManualStep;

/**
 * The rules of checklist tasks (form {@value #FORM}): the manual steps of a run ({@link
 * ManualStep}), each a box an operator ticks once it is done, with a note.
 *
 * <ul>
 *   <li>Which checklist a task shows is its input parameter {@value #CHECKLIST}, a {@link
 *       ManualStep.Checklist} name, read from the diagram when it is deployed.
 *   <li>A completion must tick at least one open step, or waive every open step with a reason
 *       ({@value #WAIVE}, {@value #WAIVE_REASON}); anything else is refused and the task stays
 *       open. A box of a step already done stays done.
 *   <li>Each step ticked is journaled ({@code CHECKLIST}, {@code DONE}, with its note) and a waiver
 *       is journaled ({@code WAIVED}, with the steps left and the reason) and written to the ops
 *       log, in the transaction that completes the task.
 *   <li>The completion sets {@value #OPEN}: {@code true} while steps are left and not waived. The
 *       diagram goes back to the task until it is {@code false}. {@value #DONE} keeps, per step,
 *       who ticked it, when and the note, and {@value #REPORT} says it in words for the form.
 * </ul>
 */
@Component
public class ManualStepsPlugin extends AbstractProcessEnginePlugin {

  public static final String FORM = "manual-steps";
  public static final String CHECKLIST = "checklist";
  public static final String WAIVE = "waiveManualSteps";
  public static final String WAIVE_REASON = "waiveReason";
  public static final String OPEN = "manualStepsOpen";
  public static final String DONE = "manualStepsDone";
  public static final String REPORT = "manualStepsReport";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The suffix of the note beside each box. */
  public static final String NOTE = "Note";

  private final JournalOutbox journalOutbox;
  private final OpsLog opsLog;

  public ManualStepsPlugin(JournalOutbox journalOutbox, OpsLog opsLog) {
    this.journalOutbox = journalOutbox;
    this.opsLog = opsLog;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    EngineHooks.addPostParseListener(
        configuration,
        new AbstractBpmnParseListener() {
          @Override
          public void parseUserTask(Element element, ScopeImpl scope, ActivityImpl activity) {
            if (!(activity.getActivityBehavior() instanceof UserTaskActivityBehavior behavior)
                || !FORM.equals(
                    element.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "formRef"))) {
              return;
            }
            List<ManualStep> steps = ManualStep.of(checklist(element));
            behavior
                .getTaskDefinition()
                .addBuiltInTaskListener(TaskListener.EVENTNAME_CREATE, task -> opened(task, steps));
            behavior
                .getTaskDefinition()
                .addBuiltInTaskListener(
                    TaskListener.EVENTNAME_COMPLETE, task -> completed(task, steps));
          }
        });
  }

  /**
   * The checklist a task shows, from its input parameter {@value #CHECKLIST}.
   *
   * @throws IllegalStateException when the diagram names none or an unknown one: it is not deployed
   */
  static ManualStep.Checklist checklist(Element userTask) {
    java.util.Optional<String> named =
        DecisionTasksPlugin.inputParameter(userTask, CHECKLIST).map(String::strip);
    if (named.isPresent()) {
      for (ManualStep.Checklist checklist : ManualStep.Checklist.values()) {
        if (checklist.name().equals(named.get())) {
          return checklist;
        }
      }
      throw new IllegalStateException(
          "user task " + userTask.attribute("id") + ": unknown checklist '" + named.get() + "'");
    }
    throw new IllegalStateException(
        "user task "
            + userTask.attribute("id")
            + " has the form "
            + FORM
            + " but no input parameter "
            + CHECKLIST);
  }

  private static void opened(DelegateTask task, List<ManualStep> steps) {
    DelegateExecution execution = task.getExecution();
    Map<String, String> done = done(execution);
    for (ManualStep step : steps) {
      if (!done.containsKey(step.id())) {
        execution.setVariable(step.id(), false);
      }
    }
    execution.setVariable(WAIVE, false);
    execution.setVariable(REPORT, report(steps, done));
  }

  private void completed(DelegateTask task, List<ManualStep> steps) {
    DelegateExecution execution = task.getExecution();
    Map<String, String> done = done(execution);
    List<ManualStep> ticked = new ArrayList<>();
    List<ManualStep> left = new ArrayList<>();
    for (ManualStep step : steps) {
      if (done.containsKey(step.id())) {
        continue;
      }
      (Boolean.TRUE.equals(task.getVariable(step.id())) ? ticked : left).add(step);
    }
    boolean waive = Boolean.TRUE.equals(task.getVariable(WAIVE));
    String reason = text(task.getVariable(WAIVE_REASON));
    if (waive && reason.isBlank()) {
      throw new InvalidDecisionException(
          "Waiving the steps left needs a reason: say why they are not done");
    }
    if (ticked.isEmpty() && !waive) {
      throw new InvalidDecisionException(
          "Tick the steps you have done, or waive the steps left with a reason; still open: "
              + String.join("; ", left.stream().map(ManualStep::text).toList()));
    }
    String user = Context.getCommandContext().getAuthenticatedUserId();
    String actor = user == null ? JournalEntry.SYSTEM : user;
    JournalEntry.Origin origin =
        new JournalEntry.Origin(
            RunContexts.runId(execution),
            task.getTaskDefinitionKey(),
            actor,
            String.valueOf(task.getVariable(RunVariableNames.MODE)));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (ManualStep step : ticked) {
      String note = text(task.getVariable(step.id() + NOTE));
      journalOutbox.append(
          JournalKind.CHECKLIST.entry(
              origin,
              "manual step " + step.id(),
              step.text(),
              "DONE",
              note.isBlank() ? null : note));
      done.put(step.id(), actor + " at " + now + (note.isBlank() ? "" : ": " + shortened(note)));
    }
    if (waive && !left.isEmpty()) {
      String leftSteps = String.join("; ", left.stream().map(ManualStep::text).toList());
      journalOutbox.append(
          JournalKind.CHECKLIST.entry(
              origin, "manual steps", "waive: " + leftSteps, "WAIVED", reason));
      for (ManualStep step : left) {
        done.put(step.id(), "WAIVED by " + actor + " at " + now + ": " + shortened(reason));
      }
      opsLog.record(
          new OpsEvent(
              now,
              OpsEvent.Kind.DECISION,
              ((ExecutionEntity) execution).getProcessDefinition().getKey(),
              origin.runId(),
              user,
              text(task.getVariable(RunVariableNames.REASON)),
              text(task.getVariable(RunVariableNames.TICKET)),
              "waived at '" + task.getName() + "': " + leftSteps + " (" + reason + ")"));
    }
    execution.setVariable(DONE, json(done));
    execution.setVariable(REPORT, report(steps, done));
    execution.setVariable(OPEN, steps.stream().anyMatch(step -> !done.containsKey(step.id())));
  }

  /** Per step done: who ticked it, when, and the note. */
  static Map<String, String> done(DelegateExecution execution) {
    Object text = execution.getVariable(DONE);
    if (text == null) {
      return new LinkedHashMap<>();
    }
    try {
      return JSON.readValue(text.toString(), new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(DONE + " is not a JSON map of texts: " + text, e);
    }
  }

  private static String json(Map<String, String> done) {
    try {
      return JSON.writeValueAsString(done);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String report(List<ManualStep> steps, Map<String, String> done) {
    StringBuilder out = new StringBuilder();
    for (ManualStep step : steps) {
      String how = done.get(step.id());
      out.append(how == null ? "[ ] " : "[x] ")
          .append(step.text())
          .append(how == null ? "" : " (" + how + ")")
          .append('\n');
    }
    return out.toString().strip();
  }

  /**
   * A note or reason as kept in {@value #DONE}, at most {@value #KEPT} characters: ten of them stay
   * within the 4,000 characters of a text variable. The journal keeps them whole.
   */
  static String shortened(String text) {
    return EchoedInput.shortened(text, KEPT - 1);
  }

  static final int KEPT = 200;

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }
}
