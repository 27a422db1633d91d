package org.switchman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.switchman.config.JournalKey;

/** Starting and restarting the application on its H2 file database, and refusing bad settings. */
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

  @Test
  void aRestartKeepsRunsAndUsers() {
    Path dataDir = freshDataDir();
    String[] settings = {
        "switchman.data-dir=" + dataDir, "switchman.demo-users=true", "switchman.admin.user=admin",
        journalKey(dataDir)};
    String runId;
    try (ConfigurableApplicationContext first = start(settings)) {
      ProcessEngine engine = first.getBean(ProcessEngine.class);
      ProcessInstance run = engine.getRuntimeService().startProcessInstanceByKey("four-eyes-check");
      runId = run.getId();
    }
    assertThat(dataDir.resolve("engine.mv.db")).exists();

    try (ConfigurableApplicationContext second = start(settings)) {
      ProcessEngine engine = second.getBean(ProcessEngine.class);
      assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(runId).count())
          .isEqualTo(1);
      assertThat(engine.getTaskService().createTaskQuery().processInstanceId(runId).singleResult()
          .getTaskDefinitionKey()).isEqualTo("UserTask_FirstGate");
      assertThat(engine.getIdentityService().checkPassword("alice", "demo")).isTrue();
      assertThat(engine.getRepositoryService().createDeploymentQuery().count())
          .as("unchanged resources are not deployed again").isEqualTo(1);
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
  void theAdministratorPasswordComesFromItsFile() throws Exception {
    Path dataDir = freshDataDir();
    Files.createDirectories(dataDir);
    Path secret = Files.writeString(dataDir.resolve("admin-password"), "s3cret-from-file\n");
    try (ConfigurableApplicationContext app = start("switchman.data-dir=" + dataDir,
        "switchman.admin.user=opsadmin", "switchman.admin.password-file=" + secret, journalKey(dataDir))) {
      ProcessEngine engine = app.getBean(ProcessEngine.class);
      assertThat(engine.getIdentityService().checkPassword("opsadmin", "s3cret-from-file")).isTrue();
      assertThat(engine.getIdentityService().createUserQuery().userId("alice").count())
          .as("no demo users outside the lab").isZero();
      assertThat(engine.getIdentityService().createUserQuery().memberOfGroup("camunda-admin").list())
          .extracting(user -> user.getId()).containsExactly("opsadmin");
    }
  }

  @Test
  void withoutAJournalKeyTheAppRefusesToStart() throws Exception {
    Path dataDir = freshDataDir();
    Files.createDirectories(dataDir);
    Path secret = Files.writeString(dataDir.resolve("admin-password"), "s3cret-from-file\n");
    assertThatThrownBy(() -> start("switchman.data-dir=" + dataDir, "switchman.admin.user=opsadmin",
        "switchman.admin.password-file=" + secret).close())
        .rootCause()
        .hasMessageContaining("No journal key is configured")
        .hasMessageContaining("SWITCHMAN_JOURNAL_KEY_FILE (switchman.journal.key-file)");
  }
}
