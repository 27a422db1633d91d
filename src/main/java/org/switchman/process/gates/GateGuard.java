package org.switchman.process.gates;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.impl.ProcessInstantiationBuilderImpl;
import org.camunda.bpm.engine.impl.TaskQueryImpl;
import org.camunda.bpm.engine.impl.cmd.AbstractAddIdentityLinkCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractCorrelateMessageCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractModificationCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractPatchVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractRemoveVariableCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractRestartProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractSetVariableCmd;
import org.camunda.bpm.engine.impl.cmd.AddIdentityLinkForProcessDefinitionCmd;
import org.camunda.bpm.engine.impl.cmd.AssignTaskCmd;
import org.camunda.bpm.engine.impl.cmd.ClaimTaskCmd;
import org.camunda.bpm.engine.impl.cmd.CompleteTaskCmd;
import org.camunda.bpm.engine.impl.cmd.DelegateTaskCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteIdentityLinkCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteIdentityLinkForProcessDefinitionCmd;
import org.camunda.bpm.engine.impl.cmd.HandleExternalTaskBpmnErrorCmd;
import org.camunda.bpm.engine.impl.cmd.HandleTaskBpmnErrorCmd;
import org.camunda.bpm.engine.impl.cmd.HandleTaskEscalationCmd;
import org.camunda.bpm.engine.impl.cmd.MessageEventReceivedCmd;
import org.camunda.bpm.engine.impl.cmd.ModifyProcessInstanceAsyncCmd;
import org.camunda.bpm.engine.impl.cmd.ModifyProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.ProcessInstanceModificationBatchCmd;
import org.camunda.bpm.engine.impl.cmd.ResolveTaskCmd;
import org.camunda.bpm.engine.impl.cmd.SignalCmd;
import org.camunda.bpm.engine.impl.cmd.SignalEventReceivedCmd;
import org.camunda.bpm.engine.impl.cmd.StartProcessInstanceAtActivitiesCmd;
import org.camunda.bpm.engine.impl.cmd.StartProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitStartFormCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitTaskFormCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.migration.AbstractMigrationCmd;
import org.camunda.bpm.engine.impl.persistence.entity.IdentityLinkEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.engine.task.IdentityLinkType;
import org.switchman.process.security.UserIds;

/**
 * The engine-side rules that keep a human approval between an operator and a datacenter, checked on
 * every command a person sends, through {@code /engine-rest}, the webapps' own API or Java alike.
 * Commands run by the engine itself (the job executor, a called process) carry no authenticated
 * user and pass.
 *
 * <p>For everyone outside {@code camunda-admin}, it refuses with {@link GateRefusedException}
 * (403):
 *
 * <ul>
 *   <li>starting a run at an activity, restarting, modifying or migrating a run, and any command
 *       with {@code skipCustomListeners} or {@code skipIoMappings}: each would skip a gate, the
 *       input check or the lock;
 *   <li>a BPMN error or escalation thrown from a task, which would leave a task past the rules of
 *       its decision (abort where abort is forbidden);
 *   <li>adding or removing identity links, delegating, resolving, changing the owner, claiming or
 *       assigning a task for anyone but yourself, and unassigning someone else;
 *   <li>setting or removing variables of a run or a task by hand, and signals and messages;
 *   <li>cancelling or suspending a live run of {@code dc-switchover}, {@code db-masters-read-only}
 *       or {@code db-masters-read-write}, by any route ({@link SiteChangingRuns}); an
 *       administrator's doing so is journaled with what it leaves behind and raises an alarm.
 * </ul>
 *
 * <p>For everyone, admins included, a person may claim, be assigned or complete a task only as a
 * member of one of its candidate groups: approvals belong to {@code approvers}, operator decisions
 * to {@code operators}, whatever the engine's task permissions say. And a start or a completion
 * carries only the fields of its form ({@link FormFields}); anything else is refused with {@link
 * RefusedInputException} (400) naming the variable.
 */
public class GateGuard extends CommandInterceptor {

  private static final Map<Class<?>, List<Field>> SKIP_FLAGS = new ConcurrentHashMap<>();

  private final FormFields forms;
  private final AdminActions adminActions;

  public GateGuard(FormFields forms, AdminActions adminActions) {
    this.forms = forms;
    this.adminActions = adminActions;
  }

  @Override
  public <T> T execute(Command<T> command) {
    CommandContext context = Context.getCommandContext();
    Authentication authentication = context == null ? null : context.getAuthentication();
    if (authentication != null && authentication.getUserId() != null) {
      String user = authentication.getUserId();
      boolean admin = context.getAuthorizationManager().isCamundaAdmin(authentication);
      String bypass = bypass(command, user);
      if (bypass != null && !admin) {
        throw new GateRefusedException(
            "Only camunda-admin may " + bypass + " (refused for " + user + ")");
      }
      SiteChangingRuns.Affected live = SiteChangingRuns.affected(command, context);
      if (live != null && !admin) {
        throw new GateRefusedException(
            "Only camunda-admin may "
                + live.verb()
                + " a live run of a"
                + " runbook that changes the site ("
                + live.describe()
                + "): that leaves the site as it"
                + " is at this moment and rolls nothing back; end the run with NOGO or abort at its"
                + " decision task (refused for "
                + user
                + ")");
      }
      if (admin && live != null) {
        adminActions.recordLeftBehind(command, live, user, context);
      } else if (admin && (bypass != null || AdminActions.audited(command))) {
        adminActions.record(command, user, context);
      }
      checkTaskRole(command, authentication, context);
      checkVariables(command, context);
    }
    return next.execute(command);
  }

  /**
   * What a non-admin may not do with this command, or {@code null} when the command is allowed: the
   * text completes "Only camunda-admin may …".
   */
  static String bypass(Command<?> command, String user) {
    if (command instanceof StartProcessInstanceAtActivitiesCmd) {
      return "start a run at an activity: that skips its approvals, its input check and its lock";
    }
    if (command instanceof AbstractRestartProcessInstanceCmd<?>) {
      return "restart a run: start a new run, which passes every gate again";
    }
    if (command instanceof ModifyProcessInstanceCmd
        || command instanceof ModifyProcessInstanceAsyncCmd
        || command instanceof ProcessInstanceModificationBatchCmd
        || command instanceof AbstractModificationCmd<?>) {
      return "modify a run: moving a run's token can skip its approvals";
    }
    if (command instanceof AbstractMigrationCmd) {
      return "migrate a run to another diagram: that can skip its approvals";
    }
    if (command instanceof HandleTaskBpmnErrorCmd
        || command instanceof HandleExternalTaskBpmnErrorCmd) {
      return "throw a BPMN error from a task: decide through the task's form instead";
    }
    if (command instanceof HandleTaskEscalationCmd) {
      return "throw an escalation from a task: decide through the task's form instead";
    }
    if (command instanceof DelegateTaskCmd || command instanceof ResolveTaskCmd) {
      return "delegate a task: a task is claimed by one of its candidate group";
    }
    if (command instanceof AddIdentityLinkForProcessDefinitionCmd
        || command instanceof DeleteIdentityLinkForProcessDefinitionCmd
        || command instanceof DeleteIdentityLinkCmd) {
      return "change who may work a task or start a runbook: the diagram says who";
    }
    if (command instanceof AssignTaskCmd assign) {
      String refused = assignment(user, taskOf(assign), (String) field(assign, "userId"), "assign");
      if (refused != null) {
        return refused;
      }
    } else if (command instanceof AbstractAddIdentityLinkCmd) {
      return "change who may work a task: the diagram says who";
    }
    if (command instanceof ClaimTaskCmd claim) {
      String refused =
          assignment(
              user, (String) field(claim, "taskId"), (String) field(claim, "userId"), "claim");
      if (refused != null) {
        return refused;
      }
    }
    if (command instanceof AbstractSetVariableCmd
        || command instanceof AbstractRemoveVariableCmd
        || command instanceof AbstractPatchVariablesCmd) {
      return "set or remove a run's variables by hand: a run's inputs are fixed when it starts";
    }
    if (command instanceof SignalCmd
        || command instanceof MessageEventReceivedCmd
        || command instanceof SignalEventReceivedCmd
        || command instanceof AbstractCorrelateMessageCmd) {
      return "signal a run or send it a message: runbooks move on through their own steps and tasks";
    }
    if (command instanceof StartProcessInstanceCmd start) {
      ProcessInstantiationBuilderImpl builder =
          (ProcessInstantiationBuilderImpl) field(start, "instantiationBuilder");
      var modification = builder.getModificationBuilder();
      if (modification != null
          && (!modification.getModificationOperations().isEmpty()
              || modification.isSkipCustomListeners()
              || modification.isSkipIoMappings())) {
        return "start a run at an activity or without its listeners or input mappings";
      }
    }
    for (Field flag : skipFlags(command.getClass())) {
      if (Boolean.TRUE.equals(read(flag, command))) {
        return "use " + flag.getName() + ": the listeners and mappings carry the rules of the run";
      }
    }
    return null;
  }

  /** Claiming and assigning: only for yourself, and unassigning only your own task. */
  private static String assignment(String user, String taskId, String assignee, String verb) {
    if (assignee != null && !UserIds.same(assignee, user)) {
      return verb + " a task for " + assignee + ": each person claims tasks for themselves";
    }
    if (assignee == null) {
      TaskEntity task = Context.getCommandContext().getTaskManager().findTaskById(taskId);
      if (task != null && task.getAssignee() != null && !UserIds.same(task.getAssignee(), user)) {
        return "unassign a task of " + task.getAssignee();
      }
    }
    return null;
  }

  /** Whoever claims, is assigned or completes a task must belong to one of its candidate groups. */
  private static void checkTaskRole(
      Command<?> command, Authentication authentication, CommandContext context) {
    String taskId = null;
    String actor = authentication.getUserId();
    String verb = "complete";
    if (command instanceof CompleteTaskCmd || command instanceof SubmitTaskFormCmd) {
      taskId = (String) field(command, "taskId");
    } else if (command instanceof ClaimTaskCmd claim && field(claim, "userId") != null) {
      taskId = (String) field(claim, "taskId");
      verb = "claim";
    } else if (command instanceof AssignTaskCmd assign && field(assign, "userId") != null) {
      taskId = taskOf(assign);
      verb = "be assigned";
    }
    if (taskId == null) {
      return;
    }
    TaskEntity task = context.getTaskManager().findTaskById(taskId);
    if (task == null) {
      return; // the command itself answers "not found"
    }
    Set<String> candidates = new TreeSet<>();
    for (IdentityLinkEntity link : task.getIdentityLinks()) {
      if (IdentityLinkType.CANDIDATE.equals(link.getType())) {
        if (link.getGroupId() != null) {
          candidates.add(link.getGroupId());
        } else if (UserIds.same(actor, link.getUserId())) {
          return;
        }
      }
    }
    if (candidates.isEmpty() && closedMeanwhile(context, taskId)) {
      // the run closed the task in this instant (an expiry, a NOGO elsewhere): its candidate links
      // were read after that commit, the task before it. The command loses its race the usual way
      // (the task's update finds no row), and is answered that the task is no longer open.
      return;
    }
    List<String> groups =
        authentication.getGroupIds() == null ? List.of() : authentication.getGroupIds();
    if (candidates.stream().noneMatch(groups::contains)) {
      String name = task.getName() == null ? task.getTaskDefinitionKey() : task.getName();
      throw new GateRefusedException(
          actor
              + " may not "
              + verb
              + " '"
              + name
              + "': only members of "
              + (candidates.isEmpty() ? "no group" : String.join(" or ", candidates))
              + " may work it");
    }
  }

  /** Whether the task is gone from the database now, whatever this command has read of it. */
  private static boolean closedMeanwhile(CommandContext context, String taskId) {
    TaskQueryImpl query = new TaskQueryImpl();
    query.taskId(taskId);
    context.disableAuthorizationCheck();
    try {
      return context.getTaskManager().findTaskCountByQueryCriteria(query) == 0;
    } finally {
      context.enableAuthorizationCheck();
    }
  }

  private void checkVariables(Command<?> command, CommandContext context) {
    if (command instanceof CompleteTaskCmd complete) {
      Object variables = field(complete, "variables");
      forms.checkTaskVariables(context, (String) field(complete, "taskId"), keys(variables));
      FormFields.checkLengths(variables);
    } else if (command instanceof SubmitTaskFormCmd submit) {
      Object variables = field(submit, "properties");
      forms.checkTaskVariables(context, (String) field(submit, "taskId"), keys(variables));
      FormFields.checkLengths(variables);
    } else if (command instanceof SubmitStartFormCmd submit) {
      Object variables = field(submit, "variables");
      forms.checkStartVariables(
          context, (String) field(submit, "processDefinitionId"), null, keys(variables));
      FormFields.checkLengths(variables);
    } else if (command instanceof StartProcessInstanceCmd start) {
      ProcessInstantiationBuilderImpl builder =
          (ProcessInstantiationBuilderImpl) field(start, "instantiationBuilder");
      Set<String> names = new TreeSet<>(keys(builder.getVariables()));
      if (builder.getModificationBuilder() != null) {
        names.addAll(keys(builder.getModificationBuilder().getProcessVariables()));
      }
      forms.checkStartVariables(
          context, builder.getProcessDefinitionId(), builder.getProcessDefinitionKey(), names);
      FormFields.checkLengths(builder.getVariables());
      if (builder.getModificationBuilder() != null) {
        FormFields.checkLengths(builder.getModificationBuilder().getProcessVariables());
      }
    }
  }

  private static String taskOf(AbstractAddIdentityLinkCmd command) {
    return (String) field(command, "taskId");
  }

  private static Set<String> keys(Object map) {
    return map instanceof Map<?, ?> m
        ? new TreeSet<>(m.keySet().stream().map(String::valueOf).toList())
        : Set.of();
  }

  private static List<Field> skipFlags(Class<?> type) {
    return SKIP_FLAGS.computeIfAbsent(
        type,
        t -> {
          List<Field> flags = new java.util.ArrayList<>();
          for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
              if ((f.getName().equals("skipCustomListeners")
                      || f.getName().equals("skipIoMappings"))
                  && (f.getType() == boolean.class || f.getType() == Boolean.class)) {
                f.setAccessible(true);
                flags.add(f);
              }
            }
          }
          return flags;
        });
  }

  /**
   * A field of an engine command, read by name; the engine's commands keep their arguments in
   * protected fields. A field that is gone (a changed engine) fails the command, never opens it.
   */
  static Object field(Object command, String name) {
    Field field = declared(command.getClass(), name);
    if (field == null) {
      throw new IllegalStateException(
          "The engine command "
              + command.getClass().getName()
              + " has no field '"
              + name
              + "': the gate rules cannot check it, so it is refused");
    }
    return read(field, command);
  }

  /** A field of an engine command by name, or {@code null} when the command has none. */
  static Object fieldOrNull(Object command, String name) {
    Field field = command == null ? null : declared(command.getClass(), name);
    return field == null ? null : read(field, command);
  }

  private static Field declared(Class<?> type, String name) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        Field field = c.getDeclaredField(name);
        field.setAccessible(true);
        return field;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    return null;
  }

  private static Object read(Field field, Object target) {
    try {
      return field.get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
