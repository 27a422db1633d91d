package org.switchman.process.gates;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.impl.ProcessInstantiationBuilderImpl;
import org.camunda.bpm.engine.impl.cmd.AbstractAddIdentityLinkCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractRestartProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractSetVariableCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractRemoveVariableCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractPatchVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractModificationCmd;
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
import org.camunda.bpm.engine.impl.cmd.AbstractCorrelateMessageCmd;
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
 * The engine-side rules that keep a human approval between an operator and a datacenter, checked
 * on every command a person sends, through {@code /engine-rest}, the webapps' own API or Java
 * alike. Commands run by the engine itself (the job executor, a called process) carry no
 * authenticated user and pass.
 *
 * <p>For everyone outside {@code camunda-admin}, it refuses with {@link GateRefusedException} (403):
 * <ul>
 *   <li>starting a run at an activity, restarting, modifying or migrating a run, and any command
 *       with {@code skipCustomListeners} or {@code skipIoMappings}: each would skip a gate, the
 *       input check or the lock;
 *   <li>a BPMN error or escalation thrown from a task, which would leave a task past the rules of
 *       its decision (abort where abort is forbidden);
 *   <li>adding or removing identity links, delegating, resolving, changing the owner, claiming or
 *       assigning a task for anyone but yourself, and unassigning someone else;
 *   <li>setting or removing variables of a run or a task by hand, and signals and messages.
 * </ul>
 *
 * <p>For everyone, admins included, a person may claim, be assigned or complete a task only as a
 * member of one of its candidate groups: approvals belong to {@code approvers}, operator
 * decisions to {@code operators}, whatever the engine's task permissions say. And a start or a
 * completion carries only the fields of its form ({@link FormFields}); anything else is refused
 * with {@link RefusedInputException} (400) naming the variable.
 */
public class GateGuard extends CommandInterceptor {

  private static final Map<Class<?>, List<Field>> SKIP_FLAGS = new ConcurrentHashMap<>();

  private final FormFields forms;

  public GateGuard(FormFields forms) {
    this.forms = forms;
  }

  @Override
  public <T> T execute(Command<T> command) {
    CommandContext context = Context.getCommandContext();
    Authentication authentication = context == null ? null : context.getAuthentication();
    if (authentication != null && authentication.getUserId() != null) {
      String user = authentication.getUserId();
      boolean admin = context.getAuthorizationManager().isCamundaAdmin(authentication);
      if (!admin) {
        refuseGateBypass(command, user, context);
      }
      checkTaskRole(command, authentication, context);
      checkVariables(command, context);
    }
    return next.execute(command);
  }

  private static void refuseGateBypass(Command<?> command, String user, CommandContext context) {
    if (command instanceof StartProcessInstanceAtActivitiesCmd) {
      refuse(user, "start a run at an activity: that skips its approvals, its input check and its lock");
    }
    if (command instanceof AbstractRestartProcessInstanceCmd<?>) {
      refuse(user, "restart a run: start a new run, which passes every gate again");
    }
    if (command instanceof ModifyProcessInstanceCmd || command instanceof ModifyProcessInstanceAsyncCmd
        || command instanceof ProcessInstanceModificationBatchCmd
        || command instanceof AbstractModificationCmd<?>) {
      refuse(user, "modify a run: moving a run's token can skip its approvals");
    }
    if (command instanceof AbstractMigrationCmd) {
      refuse(user, "migrate a run to another diagram: that can skip its approvals");
    }
    if (command instanceof HandleTaskBpmnErrorCmd || command instanceof HandleExternalTaskBpmnErrorCmd) {
      refuse(user, "throw a BPMN error from a task: decide through the task's form instead");
    }
    if (command instanceof HandleTaskEscalationCmd) {
      refuse(user, "throw an escalation from a task: decide through the task's form instead");
    }
    if (command instanceof DelegateTaskCmd || command instanceof ResolveTaskCmd) {
      refuse(user, "delegate a task: a task is claimed by one of its candidate group");
    }
    if (command instanceof AddIdentityLinkForProcessDefinitionCmd
        || command instanceof DeleteIdentityLinkForProcessDefinitionCmd
        || command instanceof DeleteIdentityLinkCmd) {
      refuse(user, "change who may work a task or start a runbook: the diagram says who");
    }
    if (command instanceof AssignTaskCmd assign) {
      checkAssignment(user, taskOf(assign), (String) field(assign, "userId"), "assign");
    } else if (command instanceof AbstractAddIdentityLinkCmd) {
      refuse(user, "change who may work a task: the diagram says who");
    }
    if (command instanceof ClaimTaskCmd claim) {
      checkAssignment(user, (String) field(claim, "taskId"), (String) field(claim, "userId"), "claim");
    }
    if (command instanceof AbstractSetVariableCmd || command instanceof AbstractRemoveVariableCmd
        || command instanceof AbstractPatchVariablesCmd) {
      refuse(user, "set or remove a run's variables by hand: a run's inputs are fixed when it starts");
    }
    if (command instanceof SignalCmd || command instanceof MessageEventReceivedCmd
        || command instanceof SignalEventReceivedCmd || command instanceof AbstractCorrelateMessageCmd) {
      refuse(user, "signal a run or send it a message: runbooks move on through their own steps and tasks");
    }
    if (command instanceof StartProcessInstanceCmd start) {
      ProcessInstantiationBuilderImpl builder = (ProcessInstantiationBuilderImpl) field(start, "instantiationBuilder");
      var modification = builder.getModificationBuilder();
      if (modification != null && (!modification.getModificationOperations().isEmpty()
          || modification.isSkipCustomListeners() || modification.isSkipIoMappings())) {
        refuse(user, "start a run at an activity or without its listeners or input mappings");
      }
    }
    for (Field flag : skipFlags(command.getClass())) {
      if (Boolean.TRUE.equals(read(flag, command))) {
        refuse(user, "use " + flag.getName() + ": the listeners and mappings carry the rules of the run");
      }
    }
  }

  /** Claiming and assigning: only for yourself, and unassigning only your own task. */
  private static void checkAssignment(String user, String taskId, String assignee, String verb) {
    if (assignee != null && !UserIds.same(assignee, user)) {
      refuse(user, verb + " a task for " + assignee + ": each person claims tasks for themselves");
    }
    if (assignee == null) {
      TaskEntity task = Context.getCommandContext().getTaskManager().findTaskById(taskId);
      if (task != null && task.getAssignee() != null && !UserIds.same(task.getAssignee(), user)) {
        refuse(user, "unassign a task of " + task.getAssignee());
      }
    }
  }

  /** Whoever claims, is assigned or completes a task must belong to one of its candidate groups. */
  private static void checkTaskRole(Command<?> command, Authentication authentication,
      CommandContext context) {
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
    List<String> groups = authentication.getGroupIds() == null ? List.of() : authentication.getGroupIds();
    if (candidates.stream().noneMatch(groups::contains)) {
      String name = task.getName() == null ? task.getTaskDefinitionKey() : task.getName();
      throw new GateRefusedException(actor + " may not " + verb + " '" + name
          + "': only members of " + (candidates.isEmpty() ? "no group" : String.join(" or ", candidates))
          + " may work it");
    }
  }

  private void checkVariables(Command<?> command, CommandContext context) {
    if (command instanceof CompleteTaskCmd complete) {
      forms.checkTaskVariables(context, (String) field(complete, "taskId"),
          keys(field(complete, "variables")));
    } else if (command instanceof SubmitTaskFormCmd submit) {
      forms.checkTaskVariables(context, (String) field(submit, "taskId"),
          keys(field(submit, "properties")));
    } else if (command instanceof SubmitStartFormCmd submit) {
      forms.checkStartVariables(context, (String) field(submit, "processDefinitionId"), null,
          keys(field(submit, "variables")));
    } else if (command instanceof StartProcessInstanceCmd start) {
      ProcessInstantiationBuilderImpl builder = (ProcessInstantiationBuilderImpl) field(start, "instantiationBuilder");
      Set<String> names = new TreeSet<>(keys(builder.getVariables()));
      if (builder.getModificationBuilder() != null) {
        names.addAll(keys(builder.getModificationBuilder().getProcessVariables()));
      }
      forms.checkStartVariables(context, builder.getProcessDefinitionId(),
          builder.getProcessDefinitionKey(), names);
    }
  }

  private static String taskOf(AbstractAddIdentityLinkCmd command) {
    return (String) field(command, "taskId");
  }

  private static Set<String> keys(Object map) {
    return map instanceof Map<?, ?> m ? new TreeSet<>(m.keySet().stream().map(String::valueOf).toList())
        : Set.of();
  }

  private static void refuse(String user, String what) {
    throw new GateRefusedException("Only camunda-admin may " + what + " (refused for " + user + ")");
  }

  private static List<Field> skipFlags(Class<?> type) {
    return SKIP_FLAGS.computeIfAbsent(type, t -> {
      List<Field> flags = new java.util.ArrayList<>();
      for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if ((f.getName().equals("skipCustomListeners") || f.getName().equals("skipIoMappings"))
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
    for (Class<?> c = command.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(command);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (IllegalAccessException e) {
        break;
      }
    }
    throw new IllegalStateException("The engine command " + command.getClass().getName()
        + " has no field '" + name + "': the gate rules cannot check it, so it is refused");
  }

  private static Object read(Field field, Object target) {
    try {
      return field.get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
