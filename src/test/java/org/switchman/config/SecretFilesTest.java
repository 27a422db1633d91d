package org.switchman.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret files must be private: the SSH key, the TSIG key and the database password file. */
class SecretFilesTest {

  @TempDir Path dir;

  private Path file(String name, String mode) throws Exception {
    Path file = Files.writeString(dir.resolve(name), "secret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void aPrivateFilePassesAndAnOpenOneIsNamedWithItsFix() throws Exception {
    assertThatCode(() -> SecretFiles.requirePrivate("some.setting", file("ok", "rw-------")))
        .doesNotThrowAnyException();
    assertThatCode(() -> SecretFiles.requirePrivate("some.setting", file("ro", "r--------")))
        .doesNotThrowAnyException();
    Path open = file("open", "rw----r--");
    assertThatThrownBy(() -> SecretFiles.requirePrivate("some.setting", open))
        .hasMessageContaining("some.setting names " + open)
        .hasMessageContaining("rw----r--")
        .hasMessageContaining("chmod 600 " + open);
    Path groupWritable = file("group", "rw--w----");
    assertThatThrownBy(() -> SecretFiles.requirePrivate("some.setting", groupWritable))
        .hasMessageContaining("open to its group or others");
  }

  @Test
  void theAdaptersSettingsRefuseOpenSecretFiles() throws Exception {
    Path knownHosts = file("known_hosts", "rw-r--r--");
    Path key = file("id_ed25519", "rw-r--r--");
    assertThatThrownBy(
            () ->
                new SshProperties(
                        "switchman",
                        key,
                        knownHosts,
                        null,
                        22,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        1,
                        1024)
                    .validated())
        .hasMessageContaining("switchman.ssh.key-file names " + key);

    Path tsig = file("tsig.key", "rw-r-----");
    assertThatThrownBy(
            () ->
                new DnsProperties("127.0.0.1", 53, "discovery.wmnet", tsig, Duration.ofSeconds(1))
                    .validated())
        .hasMessageContaining("switchman.dns.tsig-key-file names " + tsig);

    Path password = file("db-password", "rw-rw-rw-");
    assertThatThrownBy(
            () ->
                new DbProperties(
                        "admin",
                        password,
                        List.of("s1"),
                        Map.of("s1.eqiad", "127.0.0.1:3306", "s1.codfw", "127.0.0.1:3307"),
                        null,
                        null)
                    .validated())
        .hasMessageContaining("switchman.db.password-file names " + password);
  }
}
