package org.switchman.process.decisions;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.JournalOutbox;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.EngineHooks;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.process.RunbookLocks;

/**
 * The rules of the two kinds of decision task, attached to every diagram's user tasks by their
 * form, so no diagram can forget them.
 *
 * <ul>
 *   <li><b>Approvals</b> (form {@value #APPROVAL_FORM}): the decision must be {@code GO} or {@code
 *       NOGO}. When the task is created, a decision left from an earlier gate is cleared, and, when
 *       the run sets {@code approvalTimeout} and {@code approvalReminder}, the task gets a due date
 *       (when it expires) and a follow-up date (when approvers are reminded), which Tasklist shows
 *       and sorts by.
 *   <li><b>Operator decisions</b> (form {@value #FAILURE_FORM}): the decision must be {@code
 *       retry}, {@code skip} or {@code abort}; skip and abort need a justification; a task may
 *       forbid skip or abort with the input parameters {@code skipAllowed} / {@code abortAllowed}
 *       set to {@code ${false}} in the diagram; the rule is read from the diagram, never from
 *       variables. Each accepted decision is journaled ({@code DECISION}, through the {@link
 *       JournalOutbox}) and written to the ops log in the transaction that completes the task, so
 *       both exist exactly when the decision does, even if the process dies right after the commit.
 *       A decision on a run that lost its lock (check {@value #RUNBOOK_LOCK}) also lifts a forced
 *       release's hold on the run ({@link RunbookLocks#acknowledgeRevocation}).
 * </ul>
 *
 * A refused decision raises {@link InvalidDecisionException} and the task stays open.
 */
@Component
public class DecisionTasksPlugin extends AbstractProcessEnginePlugin {

  public static final String APPROVAL_FORM = "approval";
  public static final String FAILURE_FORM = "failure-decision";

  /** The check of the decision a run opens when it finds its lock gone. */
  public static final String RUNBOOK_LOCK = "runbook-lock";

  static final Set<String> APPROVAL_DECISIONS = Set.of("GO", "NOGO");
  static final List<String> OPERATOR_DECISIONS = List.of("retry", "skip", "abort");

  /**
   * Activity properties: whether a decision task offers skip and abort, as parsed from the diagram.
   */
  public static final String SKIP_ALLOWED = "switchman.skipAllowed";

  public static final String ABORT_ALLOWED = "switchman.abortAllowed";

  private final JournalOutbox journalOutbox;
  private final OpsLog opsLog;
  private final ObjectProvider<RunbookLocks> locks;

  public DecisionTasksPlugin(
      JournalOutbox journalOutbox, OpsLog opsLog, ObjectProvider<RunbookLocks> locks) {
    this.journalOutbox = journalOutbox;
    this.opsLog = opsLog;
    this.locks = locks;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    EngineHooks.addPostParseListener(
        configuration,
        new AbstractBpmnParseListener() {
          @Override
          public void parseUserTask(Element element, ScopeImpl scope, ActivityImpl activity) {
            if (!(activity.getActivityBehavior() instanceof UserTaskActivityBehavior behavior)) {
              return;
            }
            String form = element.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "formRef");
            if (APPROVAL_FORM.equals(form)) {
              behavior
                  .getTaskDefinition()
                  .addBuiltInTaskListener(
                      TaskListener.EVENTNAME_CREATE, DecisionTasksPlugin::approvalCreated);
              behavior
                  .getTaskDefinition()
                  .addBuiltInTaskListener(
                      TaskListener.EVENTNAME_COMPLETE, DecisionTasksPlugin::approvalCompleted);
            } else if (FAILURE_FORM.equals(form)) {
              Options options =
                  new Options(allowed(element, "skipAllowed"), allowed(element, "abortAllowed"));
              activity.setProperty(SKIP_ALLOWED, options.skip());
              activity.setProperty(ABORT_ALLOWED, options.abort());
              behavior
                  .getTaskDefinition()
                  .addBuiltInTaskListener(
                      TaskListener.EVENTNAME_CREATE,
                      task -> {
                        clear(
                            task.getExecution(),
                            RunVariableNames.DECISION,
                            RunVariableNames.JUSTIFICATION);
                        task.setVariableLocal(DECISION_HELP, documentation(task));
                      });
              behavior
                  .getTaskDefinition()
                  .addBuiltInTaskListener(
                      TaskListener.EVENTNAME_COMPLETE, task -> operatorDecided(task, options));
            }
          }
        });
  }

  private static void approvalCreated(DelegateTask task) {
    clear(task.getExecution(), RunVariableNames.DECISION, RunVariableNames.COMMENT);
    Duration timeout = duration(task.getVariable(RunVariableNames.APPROVAL_TIMEOUT));
    Duration reminder = duration(task.getVariable(RunVariableNames.APPROVAL_REMINDER));
    Instant now = Instant.now();
    if (timeout != null) {
      task.setDueDate(Date.from(now.plus(timeout)));
    }
    if (reminder != null) {
      task.setFollowUpDate(Date.from(now.plus(reminder)));
    }
  }

  private static void approvalCompleted(DelegateTask task) {
    Object decision = task.getVariable(RunVariableNames.DECISION);
    if (decision == null || !APPROVAL_DECISIONS.contains(decision.toString())) {
      throw new InvalidDecisionException(
          "'"
              + task.getName()
              + "' needs the decision GO or NOGO, not "
              + (decision == null ? "none" : "'" + decision + "'"));
    }
    if (decision.toString().equals("GO")
        && Boolean.TRUE.equals(task.getVariable(PRE_CHECKS_FAILED))) {
      throw new InvalidDecisionException(
          "'"
              + task.getName()
              + "' refuses GO: the pre-checks read again just before this gate failed (see"
              + " Pre-checks). Decide NOGO, or start a new run once the cause is fixed.");
    }
  }

  /**
   * Set by the step that reads the pre-checks again before a gate, when they failed: GO is then
   * refused.
   */
  static final String PRE_CHECKS_FAILED = "preChecksFailed";

  /**
   * A local variable of an operator decision task: its documentation in the diagram, which says
   * what retry, skip and abort do at that step and which of them it offers; the form shows it.
   */
  public static final String DECISION_HELP = "decisionHelp";

  private static String documentation(DelegateTask task) {
    var element = task.getBpmnModelElementInstance();
    return element == null || element.getDocumentations().isEmpty()
        ? ""
        : element.getDocumentations().iterator().next().getTextContent().strip();
  }

  /** Which options a decision task offers, as its diagram says. */
  record Options(boolean skip, boolean abort) {}

  /**
   * Whether the diagram offers an option on a decision task: its input parameter ({@code
   * skipAllowed} / {@code abortAllowed}) is anything but {@code ${false}}. Read from the diagram
   * when it is deployed, never from variables, which a completion could carry.
   */
  static boolean allowed(Element userTask, String parameter) {
    return inputParameter(userTask, parameter)
        .map(value -> value.replaceAll("\\s", ""))
        .map(text -> !text.equals("${false}") && !text.equals("false"))
        .orElse(true);
  }

  /** The text of a user task's input parameter as the diagram writes it; empty when it has none. */
  static java.util.Optional<String> inputParameter(Element userTask, String parameter) {
    Element extensions = userTask.element("extensionElements");
    if (extensions == null) {
      return java.util.Optional.empty();
    }
    for (Element io : extensions.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "inputOutput")) {
      for (Element input : io.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "inputParameter")) {
        if (parameter.equals(input.attribute("name"))) {
          return java.util.Optional.of(input.getText() == null ? "" : input.getText());
        }
      }
    }
    return java.util.Optional.empty();
  }

  private void operatorDecided(DelegateTask task, Options options) {
    Object value = task.getVariable(RunVariableNames.DECISION);
    String decision = value == null ? "" : value.toString();
    if (!OPERATOR_DECISIONS.contains(decision)) {
      throw new InvalidDecisionException(
          "'"
              + task.getName()
              + "' needs the decision retry, skip"
              + " or abort, not "
              + (decision.isEmpty() ? "none" : "'" + decision + "'"));
    }
    if (decision.equals("skip") && !options.skip()) {
      throw new InvalidDecisionException(
          "This step cannot be skipped: retry it" + (options.abort() ? " or abort the run" : ""));
    }
    if (decision.equals("abort") && !options.abort()) {
      throw new InvalidDecisionException(
          "Abort is not offered at this point: the discovery"
              + " records already point at the new datacenter. Retry or skip here, and run the reverse"
              + " switchover to go back.");
    }
    Object justification = task.getVariable(RunVariableNames.JUSTIFICATION);
    if (!decision.equals("retry")
        && (justification == null || justification.toString().isBlank())) {
      throw new InvalidDecisionException("A " + decision + " needs a justification");
    }
    String user = Context.getCommandContext().getAuthenticatedUserId();
    DelegateExecution execution = task.getExecution();
    if (RUNBOOK_LOCK.equals(task.getVariable(RunVariableNames.FAILED_CHECK))) {
      // a person has now seen that the run lost its lock: what follows may take it again
      locks.getObject().acknowledgeRevocation(execution);
    }
    String runId = RunContexts.runId(execution);
    Object failure = task.getVariable(RunVariableNames.FAILURE_MESSAGE);
    Object section = task.getVariable(RunVariableNames.SECTION);
    JournalEntry.Draft entry =
        JournalKind.DECISION.entry(
            new JournalEntry.Origin(
                runId,
                task.getTaskDefinitionKey(),
                user == null ? JournalEntry.SYSTEM : user,
                String.valueOf(task.getVariable(RunVariableNames.MODE))),
            section == null ? "task " + task.getId() : "section " + section,
            "decide on '" + task.getName() + "'" + (failure == null ? "" : " after: " + failure),
            decision.toUpperCase(),
            justification == null ? null : justification.toString());
    OpsEvent line =
        new OpsEvent(
            Instant.now(),
            OpsEvent.Kind.DECISION,
            ((ExecutionEntity) execution).getProcessDefinition().getKey(),
            runId,
            user,
            text(task.getVariable(RunVariableNames.REASON)),
            text(task.getVariable(RunVariableNames.TICKET)),
            decision
                + " at '"
                + task.getName()
                + "'"
                + (section == null ? "" : " for " + section)
                + (justification == null ? "" : ": " + justification));
    journalOutbox.append(entry);
    opsLog.record(line);
  }

  private static void clear(DelegateExecution execution, String... names) {
    for (String name : names) {
      if (execution.hasVariable(name)) {
        execution.setVariable(name, null);
      }
    }
  }

  private static Duration duration(Object text) {
    return text == null || text.toString().isBlank() ? null : Duration.parse(text.toString());
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
