package org.switchman.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCredentialsTest {

  @TempDir
  Path dir;

  private static SwitchmanProperties properties(String user, Path file, boolean lab) {
    return new SwitchmanProperties(null, new SwitchmanProperties.Admin(user, file), lab);
  }

  @Test
  void missingUserNamesWhatToSet() {
    assertThatThrownBy(() -> AdminCredentials.resolve(properties(null, null, false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SWITCHMAN_ADMIN_USER")
        .hasMessageContaining("SWITCHMAN_ADMIN_PASSWORD_FILE");
  }

  @Test
  void missingPasswordFileOutsideTheLabIsRefused() {
    assertThatThrownBy(() -> AdminCredentials.resolve(properties("admin", null, false)))
        .hasMessageContaining("No password is configured for the administrator 'admin'");
  }

  @Test
  void anInvalidUserIdIsNamedBeforeTheEngineStarts() {
    assertThatThrownBy(() -> AdminCredentials.resolve(properties("ops-admin", null, true)))
        .hasMessageContaining("'ops-admin' is not valid");
  }

  @Test
  void theLabFallsBackToTheDemoPassword() {
    assertThat(AdminCredentials.resolve(properties("admin", null, true)).password()).isEqualTo("demo");
  }

  @Test
  void unreadableAndEmptyFilesAreNamed() throws Exception {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> AdminCredentials.resolve(properties("admin", missing, false)))
        .hasMessageContaining("Cannot read the administrator password file " + missing);
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> AdminCredentials.resolve(properties("admin", empty, false)))
        .hasMessageContaining("is empty");
  }

  @Test
  void thePasswordIsReadAndNeverPrinted() throws Exception {
    Path file = Files.writeString(dir.resolve("pw"), "  hunter2  \nsecond line\n");
    AdminCredentials credentials = AdminCredentials.resolve(properties("admin", file, false));
    assertThat(credentials.password()).isEqualTo("hunter2");
    assertThat(credentials.toString()).doesNotContain("hunter2");
  }
}
