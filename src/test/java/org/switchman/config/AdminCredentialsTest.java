package org.switchman.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCredentialsTest {

  @TempDir Path dir;

  private static SwitchmanProperties properties(String user, Path file, boolean lab) {
    return new SwitchmanProperties(null, new SwitchmanProperties.Admin(user, file), lab, false);
  }

  /**
   * As the app resolves them: the lab profile is active exactly when the demo users are asked for.
   */
  private static AdminCredentials resolve(SwitchmanProperties properties) {
    return AdminCredentials.resolve(properties, properties.demoUsers());
  }

  private static Path privateFile(Path file, String text) throws Exception {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Test
  void missingUserNamesWhatToSet() {
    assertThatThrownBy(() -> resolve(properties(null, null, false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SWITCHMAN_ADMIN_USER")
        .hasMessageContaining("SWITCHMAN_ADMIN_PASSWORD_FILE");
  }

  @Test
  void missingPasswordFileOutsideTheLabIsRefused() {
    assertThatThrownBy(() -> resolve(properties("admin", null, false)))
        .hasMessageContaining("No password is configured for the administrator 'admin'");
  }

  @Test
  void anInvalidUserIdIsNamedBeforeTheEngineStarts() {
    assertThatThrownBy(() -> resolve(properties("ops-admin", null, true)))
        .hasMessageContaining("'ops-admin' is not valid");
  }

  @Test
  void theLabFallsBackToTheDemoPassword() {
    assertThat(resolve(properties("admin", null, true)).password()).isEqualTo("demo");
  }

  @Test
  void unreadableAndEmptyFilesAreNamed() throws Exception {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> resolve(properties("admin", missing, false)))
        .hasMessageContaining("Cannot read the administrator password file " + missing);
    Path empty = privateFile(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> resolve(properties("admin", empty, false)))
        .hasMessageContaining("is empty");
  }

  @Test
  void thePasswordIsReadAndNeverPrinted() throws Exception {
    Path file = privateFile(dir.resolve("pw"), "  hunter2  \nsecond line\n");
    AdminCredentials credentials = resolve(properties("admin", file, false));
    assertThat(credentials.password()).isEqualTo("hunter2");
    assertThat(credentials.toString()).doesNotContain("hunter2");
  }

  @Test
  void demoUsersWithoutTheLabProfileAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> AdminCredentials.resolve(properties("admin", null, true), false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("switchman.demo-users is set, but the 'lab' profile is not active")
        .hasMessageContaining("--spring.profiles.active=lab");
  }

  @Test
  void aPasswordFileOthersMayReadIsRefusedWithTheFix() throws Exception {
    Path file = Files.writeString(dir.resolve("admin-password"), "hunter2\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> resolve(properties("admin", file, false)))
        .hasMessageContaining("switchman.admin.password-file names " + file)
        .hasMessageContaining("rw-r--r--")
        .hasMessageContaining("chmod 600 " + file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> resolve(properties("admin", file, false)))
        .hasMessageContaining("open to its group or others");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThat(resolve(properties("admin", file, false)).password()).isEqualTo("hunter2");
  }
}
