package org.switchman.process.security;

import static org.camunda.bpm.engine.authorization.Permissions.ACCESS;
import static org.camunda.bpm.engine.authorization.Permissions.ALL;
import static org.camunda.bpm.engine.authorization.Permissions.CREATE;
import static org.camunda.bpm.engine.authorization.Permissions.READ;
import static org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions.CREATE_INSTANCE;
import static org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions.READ_HISTORY;
import static org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions.READ_INSTANCE;
import static org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions.READ_TASK;
import static org.camunda.bpm.engine.authorization.Resources.APPLICATION;
import static org.camunda.bpm.engine.authorization.Resources.DECISION_DEFINITION;
import static org.camunda.bpm.engine.authorization.Resources.DEPLOYMENT;
import static org.camunda.bpm.engine.authorization.Resources.FILTER;
import static org.camunda.bpm.engine.authorization.Resources.GROUP;
import static org.camunda.bpm.engine.authorization.Resources.PROCESS_DEFINITION;
import static org.camunda.bpm.engine.authorization.Resources.PROCESS_INSTANCE;
import static org.camunda.bpm.engine.authorization.Resources.TASK;
import static org.camunda.bpm.engine.authorization.Resources.USER;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;

/**
 * Who may do what (README, "Security: roles and the rules the engine enforces"), as engine
 * authorizations granted to groups.
 *
 * <p>Task work is not granted here: the engine grants claim and complete ({@code TASK_WORK}) on a
 * task to its candidate groups when the task is created, so approvers work approval tasks and
 * operators work operator tasks. The four-eyes listener then refuses the run's starter. Operators
 * and approvers may read any task but assign none: a task is claimed by a member of its candidate
 * group for themselves ({@code org.switchman.process.gates.GateGuard}).
 *
 * <p>Deployments are not code: outside the {@code lab} profile nobody but {@code camunda-admin}
 * deploys, and the runbooks ship as reviewed files in {@code processes/} and {@code forms/},
 * deployed when the application starts. In the lab, designers deploy what they draw.
 */
public final class AccessModel {

  public static final String OPERATORS = "operators";
  public static final String APPROVERS = "approvers";
  public static final String AUDITORS = "auditors";
  public static final String DESIGNERS = "designers";
  public static final String ADMINS = "camunda-admin";

  /** One grant: a group, a resource type and id ({@code *} for all), and its permissions. */
  public record Grant(
      String group, Resource resource, String resourceId, Permission... permissions) {}

  /** A group and its display name. */
  public record Group(String id, String name) {}

  private AccessModel() {}

  public static List<Group> groups() {
    return List.of(
        new Group(OPERATORS, "Operators: start runbooks, work operator tasks"),
        new Group(APPROVERS, "Approvers: GO/NOGO and other approvals"),
        new Group(AUDITORS, "Auditors: read history and reports"),
        new Group(DESIGNERS, "Designers: read definitions; deploy in the lab only"),
        new Group(ADMINS, "Camunda administrators"));
  }

  /**
   * The grants to ensure at start.
   *
   * @param lab whether the {@code lab} profile is active: only there may designers deploy
   */
  public static List<Grant> grants(boolean lab) {
    List<Grant> grants = new ArrayList<>();
    for (String group : List.of(OPERATORS, APPROVERS, AUDITORS, DESIGNERS)) {
      grants.add(new Grant(group, USER, "*", READ));
      grants.add(new Grant(group, GROUP, "*", READ));
      grants.add(new Grant(group, DEPLOYMENT, "*", READ));
    }

    grants.add(new Grant(OPERATORS, APPLICATION, "tasklist", ACCESS));
    grants.add(new Grant(OPERATORS, APPLICATION, "cockpit", ACCESS));
    grants.add(new Grant(OPERATORS, FILTER, "*", READ));
    grants.add(
        new Grant(
            OPERATORS,
            PROCESS_DEFINITION,
            "*",
            READ,
            CREATE_INSTANCE,
            READ_INSTANCE,
            READ_HISTORY,
            READ_TASK));
    grants.add(new Grant(OPERATORS, PROCESS_INSTANCE, "*", CREATE, READ));
    // no TASK_ASSIGN: a person claims tasks of their own groups (TASK_WORK, granted per task)
    grants.add(new Grant(OPERATORS, TASK, "*", READ));

    grants.add(new Grant(APPROVERS, APPLICATION, "tasklist", ACCESS));
    grants.add(new Grant(APPROVERS, FILTER, "*", READ));
    grants.add(new Grant(APPROVERS, PROCESS_DEFINITION, "*", READ, READ_INSTANCE, READ_HISTORY));
    grants.add(new Grant(APPROVERS, PROCESS_INSTANCE, "*", READ));
    grants.add(new Grant(APPROVERS, TASK, "*", READ));

    grants.add(new Grant(AUDITORS, APPLICATION, "cockpit", ACCESS));
    grants.add(new Grant(AUDITORS, FILTER, "*", READ));
    grants.add(
        new Grant(AUDITORS, PROCESS_DEFINITION, "*", READ, READ_INSTANCE, READ_HISTORY, READ_TASK));
    grants.add(new Grant(AUDITORS, PROCESS_INSTANCE, "*", READ));
    grants.add(new Grant(AUDITORS, TASK, "*", READ));
    grants.add(new Grant(AUDITORS, DECISION_DEFINITION, "*", READ));

    grants.add(new Grant(DESIGNERS, APPLICATION, "cockpit", ACCESS));
    if (lab) {
      grants.add(new Grant(DESIGNERS, DEPLOYMENT, "*", CREATE, READ));
    }
    grants.add(new Grant(DESIGNERS, PROCESS_DEFINITION, "*", READ));
    grants.add(new Grant(DESIGNERS, DECISION_DEFINITION, "*", READ));

    for (Resources resource : Resources.values()) {
      grants.add(new Grant(ADMINS, resource, "*", ALL));
    }
    return grants;
  }
}
