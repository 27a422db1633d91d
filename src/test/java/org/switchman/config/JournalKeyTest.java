package org.switchman.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalKeyTest {

  @TempDir Path dir;

  @Test
  void outsideTheLabAMissingKeyFileStopsTheStartNamingTheSetting() {
    assertThatThrownBy(() -> JournalKey.resolve(null, dir, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SWITCHMAN_JOURNAL_KEY_FILE (switchman.journal.key-file)");
    assertThatThrownBy(() -> JournalKey.resolve(dir.resolve("nope"), dir, false))
        .hasMessageContaining("Cannot read the journal key file")
        .hasMessageContaining("switchman.journal.key-file");
  }

  @Test
  void aShortKeyIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("short.key"), "too short\n");
    assertThatThrownBy(() -> JournalKey.resolve(file, dir, false))
        .hasMessageContaining("at least 32 bytes")
        .hasMessageContaining("switchman.journal.key-file");
  }

  @Test
  void theLabMakesAKeyOnlyItsOwnerCanReadAndKeepsIt() throws Exception {
    byte[] first = JournalKey.resolve(null, dir, true);
    Path file = dir.resolve("lab").resolve("journal.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(first).hasSize(64);
    assertThat(JournalKey.resolve(null, dir, true)).isEqualTo(first);
    assertThat(JournalKey.resolve(file, dir, false)).isEqualTo(first);
  }

  @org.junit.jupiter.api.Test
  void aKeyFileOthersCanReadIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("open.key"), "0123456789abcdef0123456789abcdef0123\n");
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JournalKey.resolve(file, dir, false))
        .hasMessageContaining("switchman.journal.key-file")
        .hasMessageContaining("chmod 600");
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    org.assertj.core.api.Assertions.assertThat(JournalKey.resolve(file, dir, false)).hasSize(36);
  }
}
