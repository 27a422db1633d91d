package org.switchman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.switchman.config.JournalKey;

/**
 * Starting and restarting the application on its H2 file database, and refusing bad settings: demo
 * users only with the lab profile, in the lab's own database, never in another start's.
 */
class AppLifecycleIT {

  private static Path freshDataDir() {
    return Path.of("target", "test-data", "lifecycle-" + UUID.randomUUID()).toAbsolutePath();
  }

  /** A journal key made for a data directory (kept beside it, as outside the database). */
  private static String journalKey(Path dataDir) {
    Path key = dataDir.resolveSibling(dataDir.getFileName() + ".journal.key");
    if (!Files.exists(key)) {
      JournalKey.generate(key);
    }
    return "switchman.journal.key-file=" + key;
  }

  /** Starts the app with the settings as command-line arguments, which outrank the yaml. */
  private static ConfigurableApplicationContext start(String... properties) {
    String[] args = new String[properties.length + 1];
    args[0] = "--server.port=0";
    for (int i = 0; i < properties.length; i++) {
      args[i + 1] = "--" + properties[i];
    }
    return new SpringApplicationBuilder(SwitchmanApplication.class).run(args);
  }

  /** The lab profile without its servers: demo users, the lab's database. */
  private static String[] lab(Path dataDir, String... more) {
    List<String> settings =
        new ArrayList<>(
            List.of(
                "spring.profiles.active=lab",
                "switchman.lab.servers=false",
                "switchman.data-dir=" + dataDir));
    settings.addAll(List.of(more));
    return settings.toArray(String[]::new);
  }

  /** A start outside the lab with the administrator opsadmin and a private password file. */
  private static String[] production(Path dataDir, String... more) throws Exception {
    return productionAs("opsadmin", dataDir, more);
  }

  private static String[] productionAs(String admin, Path dataDir, String... more)
      throws Exception {
    Files.createDirectories(dataDir);
    Path secret = dataDir.resolve("admin-password");
    if (!Files.exists(secret)) {
      Files.writeString(secret, "s3cret-from-file\n");
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }
    List<String> settings =
        new ArrayList<>(
            List.of(
                "switchman.data-dir=" + dataDir,
                "switchman.admin.user=" + admin,
                "switchman.admin.password-file=" + secret,
                journalKey(dataDir)));
    settings.addAll(List.of(more));
    return settings.toArray(String[]::new);
  }

  private static List<String> userIds(ConfigurableApplicationContext app) {
    return app.getBean(IdentityService.class).createUserQuery().list().stream()
        .map(User::getId)
        .sorted()
        .toList();
  }

  @Test
  void aRestartKeepsRunsAndUsers() {
    Path dataDir = freshDataDir();
    String runId;
    try (ConfigurableApplicationContext first = start(lab(dataDir))) {
      assertThat(first.getEnvironment().getProperty("server.address"))
          .as("the lab listens on loopback only")
          .isEqualTo("127.0.0.1");
      ProcessEngine engine = first.getBean(ProcessEngine.class);
      ProcessInstance run = engine.getRuntimeService().startProcessInstanceByKey("four-eyes-check");
      runId = run.getId();
    }
    assertThat(dataDir.resolve("lab/engine.mv.db")).as("the lab's own database").exists();
    assertThat(dataDir.resolve("engine.mv.db")).doesNotExist();

    try (ConfigurableApplicationContext second = start(lab(dataDir))) {
      ProcessEngine engine = second.getBean(ProcessEngine.class);
      assertThat(
              engine
                  .getRuntimeService()
                  .createProcessInstanceQuery()
                  .processInstanceId(runId)
                  .count())
          .isEqualTo(1);
      assertThat(
              engine
                  .getTaskService()
                  .createTaskQuery()
                  .processInstanceId(runId)
                  .singleResult()
                  .getTaskDefinitionKey())
          .isEqualTo("UserTask_FirstGate");
      assertThat(engine.getIdentityService().checkPassword("alice", "demo")).isTrue();
      assertThat(engine.getRepositoryService().createDeploymentQuery().count())
          .as("unchanged resources are not deployed again")
          .isEqualTo(1);
    }
  }

  @Test
  void theDataDirectoryIsCreatedPrivate() throws Exception {
    Path dataDir = freshDataDir();
    try (ConfigurableApplicationContext app = start(lab(dataDir))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void withoutAdministratorSettingsTheAppRefusesToStart() {
    Path dataDir = freshDataDir();
    assertThatThrownBy(() -> start("switchman.data-dir=" + dataDir, journalKey(dataDir)).close())
        .rootCause()
        .hasMessageContaining("No administrator is configured")
        .hasMessageContaining("SWITCHMAN_ADMIN_USER")
        .hasMessageContaining("SWITCHMAN_ADMIN_PASSWORD_FILE");
  }

  @Test
  void theDemoUsersFlagWithoutTheLabProfileRefusesToStart() {
    Path dataDir = freshDataDir();
    assertThatThrownBy(
            () ->
                start(
                        "switchman.data-dir=" + dataDir,
                        journalKey(dataDir),
                        "switchman.demo-users=true",
                        "switchman.admin.user=admin")
                    .close())
        .rootCause()
        .hasMessageContaining("switchman.demo-users is set, but the 'lab' profile is not active");
  }

  @Test
  void theAdministratorPasswordComesFromItsFile() throws Exception {
    Path dataDir = freshDataDir();
    try (ConfigurableApplicationContext app = start(production(dataDir))) {
      ProcessEngine engine = app.getBean(ProcessEngine.class);
      assertThat(engine.getIdentityService().checkPassword("opsadmin", "s3cret-from-file"))
          .isTrue();
      assertThat(engine.getIdentityService().createUserQuery().userId("alice").count())
          .as("no demo users outside the lab")
          .isZero();
      assertThat(
              engine.getIdentityService().createUserQuery().memberOfGroup("camunda-admin").list())
          .extracting(user -> user.getId())
          .containsExactly("opsadmin");
      assertThat(
              ((ServletWebServerApplicationContext) app)
                  .getServletContext()
                  .getSessionCookieConfig()
                  .isSecure())
          .as("outside the lab the session cookie goes over HTTPS only")
          .isTrue();
      assertThat(app.getEnvironment().getProperty("server.address")).isNull();
      assertThat(engine.getIdentityService().checkPassword("opsadmin", "guess")).isFalse();
      assertThat(attempts(app, "opsadmin")).isEqualTo(1);
    }
    Path secret = dataDir.resolve("admin-password");
    Files.writeString(secret, "changed-in-the-file\n");
    try (ConfigurableApplicationContext restarted = start(production(dataDir))) {
      assertThat(attempts(restarted, "opsadmin"))
          .as("a start lifts the administrator's lock")
          .isZero();
      IdentityService identity = restarted.getBean(IdentityService.class);
      assertThat(identity.checkPassword("opsadmin", "changed-in-the-file")).isTrue();
      assertThat(identity.checkPassword("opsadmin", "s3cret-from-file")).isFalse();
    }
  }

  private static int attempts(ConfigurableApplicationContext app, String user) {
    return ((UserEntity)
            app.getBean(IdentityService.class).createUserQuery().userId(user).singleResult())
        .getAttempts();
  }

  @Test
  void theLabAndAStartOutsideItFromOneDataDirectoryKeepSeparateDatabases() throws Exception {
    Path dataDir = freshDataDir();
    try (ConfigurableApplicationContext lab = start(lab(dataDir))) {
      assertThat(userIds(lab)).contains("admin", "alice", "bob", "carol", "dave");
    }
    try (ConfigurableApplicationContext production = start(production(dataDir))) {
      assertThat(userIds(production)).containsExactly("opsadmin");
    }
  }

  @Test
  void aStartOutsideTheLabRefusesWhileDemoUsersAreInItsDatabase() throws Exception {
    Path dataDir = freshDataDir();
    // an older demo kept its users in the main database
    try (ConfigurableApplicationContext oldDemo =
        start(
            lab(
                dataDir,
                "spring.datasource.url=jdbc:h2:file:"
                    + dataDir
                    + "/engine;DB_CLOSE_ON_EXIT=FALSE"))) {
      assertThat(userIds(oldDemo)).contains("alice");
    }

    assertThatThrownBy(() -> start(production(dataDir)).close())
        .rootCause()
        .hasMessageContaining(
            "The engine database holds the demo users admin, alice, bob, carol, dave,"
                + " but the 'lab' profile is not active")
        .hasMessageContaining("--switchman.remove-demo-users=true");

    try (ConfigurableApplicationContext removing =
        start(production(dataDir, "switchman.remove-demo-users=true"))) {
      assertThat(userIds(removing)).containsExactly("opsadmin");
    }
    try (ConfigurableApplicationContext afterwards = start(production(dataDir))) {
      assertThat(
              afterwards
                  .getBean(IdentityService.class)
                  .checkPassword("opsadmin", "s3cret-from-file"))
          .isTrue();
    }
  }

  @Test
  void theConfiguredAdministratorIsNoDemoUserOutsideTheLab() throws Exception {
    Path dataDir = freshDataDir();
    try (ConfigurableApplicationContext oldDemo =
        start(
            lab(
                dataDir,
                "spring.datasource.url=jdbc:h2:file:"
                    + dataDir
                    + "/engine;DB_CLOSE_ON_EXIT=FALSE"))) {
      IdentityService identity = oldDemo.getBean(IdentityService.class);
      List.of("alice", "bob", "carol", "dave").forEach(identity::deleteUser);
    }
    // only "admin" is left, and it is the configured administrator: its password follows the file
    try (ConfigurableApplicationContext production = start(productionAs("admin", dataDir))) {
      IdentityService identity = production.getBean(IdentityService.class);
      assertThat(identity.checkPassword("admin", "s3cret-from-file")).isTrue();
    }
  }

  @Test
  void withoutAJournalKeyTheAppRefusesToStart() throws Exception {
    Path dataDir = freshDataDir();
    Files.createDirectories(dataDir);
    Path secret = Files.writeString(dataDir.resolve("admin-password"), "s3cret-from-file\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(
            () ->
                start(
                        "switchman.data-dir=" + dataDir,
                        "switchman.admin.user=opsadmin",
                        "switchman.admin.password-file=" + secret)
                    .close())
        .rootCause()
        .hasMessageContaining("No journal key is configured")
        .hasMessageContaining("SWITCHMAN_JOURNAL_KEY_FILE (switchman.journal.key-file)");
  }
}
