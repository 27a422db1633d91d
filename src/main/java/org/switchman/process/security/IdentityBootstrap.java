package org.switchman.process.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.switchman.config.AdminCredentials;
import org.switchman.config.LabProfile;
import org.switchman.config.SwitchmanProperties;

/**
 * Creates the groups, their authorizations, the administrator and (lab profile only) the demo users
 * once the engine is built. Every step is idempotent, so it runs at every start. Each group's
 * authorization on a resource is made exactly what {@link AccessModel} grants, so a permission an
 * older version or a lab start granted (designers' {@code DEPLOYMENT CREATE} outside the lab,
 * {@code TASK_ASSIGN}) does not stay in the database.
 *
 * <p>Outside the lab profile it first looks for demo users in the engine database (an existence
 * check, which counts no failed login) and refuses to start while any is there, naming them; with
 * {@code switchman.remove-demo-users=true} it deletes them instead.
 */
@Component
public class IdentityBootstrap extends AbstractProcessEnginePlugin {

  private static final Logger LOG = LoggerFactory.getLogger(IdentityBootstrap.class);

  /** The lab profile's administrator. */
  static final String DEMO_ADMIN = "admin";

  /**
   * Demo users of the lab profile and their groups (README, "Accounts and logins"). Password:
   * {@code demo}.
   */
  static final Map<String, List<String>> DEMO_USERS =
      Map.of(
          "alice", List.of(AccessModel.OPERATORS, AccessModel.APPROVERS),
          "bob", List.of(AccessModel.APPROVERS),
          "dave", List.of(AccessModel.APPROVERS),
          "carol", List.of(AccessModel.AUDITORS));

  private final AdminCredentials admin;
  private final SwitchmanProperties properties;
  private final boolean lab;

  public IdentityBootstrap(
      AdminCredentials admin, SwitchmanProperties properties, Environment environment) {
    this.admin = admin;
    this.properties = properties;
    this.lab = LabProfile.isActive(environment);
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine engine) {
    IdentityService identity = engine.getIdentityService();
    if (!lab) {
      try {
        refuseDemoUsers(identity);
      } catch (IllegalStateException refused) {
        engine.close();
        throw refused;
      }
    }
    AuthorizationService authorizations = engine.getAuthorizationService();
    for (AccessModel.Group group : AccessModel.groups()) {
      ensureGroup(identity, group);
    }
    for (AccessModel.Grant grant : merged(AccessModel.grants(lab))) {
      ensureGrant(authorizations, grant);
    }
    ensureUser(identity, admin.user(), admin.password(), List.of(AccessModel.ADMINS), true);
    if (properties.demoUsers()) {
      DEMO_USERS.forEach(
          (user, groups) ->
              ensureUser(identity, user, AdminCredentials.labDemoPassword(), groups, false));
      LOG.warn("Lab profile: demo users {} exist with the password 'demo'", DEMO_USERS.keySet());
    }
  }

  /** The demo user ids other than the configured administrator, in a stable order. */
  private List<String> demoUserIds() {
    List<String> ids = new ArrayList<>(new TreeSet<>(DEMO_USERS.keySet()));
    ids.add(DEMO_ADMIN);
    ids.remove(admin.user());
    return ids;
  }

  private void refuseDemoUsers(IdentityService identity) {
    List<String> found =
        identity.createUserQuery().userIdIn(demoUserIds().toArray(String[]::new)).list().stream()
            .map(User::getId)
            .sorted()
            .toList();
    if (found.isEmpty()) {
      return;
    }
    if (properties.removeDemoUsers()) {
      found.forEach(identity::deleteUser);
      LOG.warn(
          "Deleted the demo users {} from the engine database (switchman.remove-demo-users);"
              + " their runs' history stays",
          found);
      return;
    }
    throw new IllegalStateException(
        "The engine database holds the demo users "
            + String.join(", ", found)
            + ", but the '"
            + LabProfile.NAME
            + "' profile is not active."
            + " Demo users have the well-known password 'demo' and belong only in the lab, which keeps"
            + " its own database under "
            + properties.dataDir().resolve(LabProfile.NAME)
            + "."
            + " To delete them (their runs' history stays), start once with"
            + " --switchman.remove-demo-users=true (SWITCHMAN_REMOVEDEMOUSERS=true); if this database"
            + " is only a leftover of an older demo, move it away instead.");
  }

  private static void ensureGroup(IdentityService identity, AccessModel.Group wanted) {
    if (identity.createGroupQuery().groupId(wanted.id()).singleResult() == null) {
      Group group = identity.newGroup(wanted.id());
      group.setName(wanted.name());
      group.setType("WORKFLOW");
      identity.saveGroup(group);
      LOG.info("Created group {}", wanted.id());
    }
  }

  private static void ensureGrant(AuthorizationService service, AccessModel.Grant grant) {
    Authorization existing =
        service
            .createAuthorizationQuery()
            .groupIdIn(grant.group())
            .resourceType(grant.resource())
            .resourceId(grant.resourceId())
            .authorizationType(Authorization.AUTH_TYPE_GRANT)
            .singleResult();
    Authorization authorization =
        existing != null ? existing : service.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
    boolean changed = existing == null;
    if (existing == null) {
      authorization.setGroupId(grant.group());
      authorization.setResource(grant.resource());
      authorization.setResourceId(grant.resourceId());
    }
    for (Permission permission : grant.permissions()) {
      if (!authorization.isPermissionGranted(permission)) {
        authorization.addPermission(permission);
        changed = true;
      }
    }
    // a permission the access model no longer grants (e.g. TASK_ASSIGN of an older version) goes
    List<Permission> wanted = List.of(grant.permissions());
    boolean all = wanted.stream().anyMatch(p -> p.getValue() == Integer.MAX_VALUE);
    if (existing != null && !all) {
      for (Permission held :
          authorization.getPermissions(
              org.camunda.bpm.engine.impl.util.ResourceTypeUtil.getPermissionsByResourceType(
                  grant.resource().resourceType()))) {
        if (wanted.stream().noneMatch(w -> w.getValue() == held.getValue())
            && held.getValue() != 0) {
          authorization.removePermission(held);
          changed = true;
        }
      }
    }
    if (changed) {
      service.saveAuthorization(authorization);
    }
  }

  /** One grant per group and resource, with the permissions of all its entries. */
  static List<AccessModel.Grant> merged(List<AccessModel.Grant> grants) {
    java.util.Map<List<Object>, java.util.LinkedHashSet<Permission>> byTarget =
        new java.util.LinkedHashMap<>();
    java.util.Map<List<Object>, AccessModel.Grant> first = new java.util.HashMap<>();
    for (AccessModel.Grant grant : grants) {
      List<Object> target =
          List.of(grant.group(), grant.resource().resourceType(), grant.resourceId());
      first.putIfAbsent(target, grant);
      byTarget
          .computeIfAbsent(target, t -> new java.util.LinkedHashSet<>())
          .addAll(List.of(grant.permissions()));
    }
    List<AccessModel.Grant> merged = new ArrayList<>();
    byTarget.forEach(
        (target, permissions) -> {
          AccessModel.Grant grant = first.get(target);
          merged.add(
              new AccessModel.Grant(
                  grant.group(),
                  grant.resource(),
                  grant.resourceId(),
                  permissions.toArray(Permission[]::new)));
        });
    return merged;
  }

  /**
   * Creates the user if missing and makes it a member of its groups. The administrator's password
   * follows the configured file: it is set at every start (never compared with {@code
   * checkPassword}, which would count a failed login), and a start lifts an engine lock on the
   * administrator, so a restart is the break-glass when every administrator is locked out.
   */
  private static void ensureUser(
      IdentityService identity,
      String id,
      String password,
      List<String> groups,
      boolean enforcePassword) {
    User user = identity.createUserQuery().userId(id).singleResult();
    if (user == null) {
      user = identity.newUser(id);
      user.setFirstName(Character.toUpperCase(id.charAt(0)) + id.substring(1));
      user.setLastName("");
      user.setEmail(id + "@switchman.invalid");
      user.setPassword(password);
      identity.saveUser(user);
      LOG.info("Created user {}", id);
    } else if (enforcePassword) {
      user.setPassword(password);
      identity.saveUser(user);
      identity.unlockUser(id);
    }
    for (String group : groups) {
      if (identity.createUserQuery().userId(id).memberOfGroup(group).count() == 0) {
        identity.createMembership(id, group);
      }
    }
  }
}
