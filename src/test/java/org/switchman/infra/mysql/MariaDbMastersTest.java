package org.switchman.infra.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchman.audit.InMemoryJournal;
import org.switchman.config.DbProperties;
import org.switchman.infra.Mutations;
import org.switchman.runbook.port.StepInterruptedException;

class MariaDbMastersTest {

  @TempDir Path dir;

  /** Masters whose heartbeats are given, so the catch-up wait needs no database. */
  private MariaDbMasters lagging() throws Exception {
    Path password = Files.writeString(dir.resolve("password"), "secret\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    DbProperties settings =
        new DbProperties(
            "admin",
            password,
            List.of("s1"),
            Map.of("s1.eqiad", "127.0.0.1:9", "s1.codfw", "127.0.0.1:9"),
            null,
            null);
    Instant reference = Instant.parse("2026-01-01T00:00:10Z");
    return new MariaDbMasters(settings, new Mutations(new InMemoryJournal())) {
      @Override
      public Optional<Instant> newestHeartbeat(
          String section, String readOnDc, String writtenByDc) {
        return Optional.of(readOnDc.equals(writtenByDc) ? reference : reference.minusSeconds(5));
      }
    };
  }

  @Test
  void aCatchUpWaitInterruptedByShutdownSaysSoInsteadOfNotCaughtUp() throws Exception {
    MariaDbMasters masters = lagging();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () -> masters.awaitCaughtUp("s1", "eqiad", "codfw", 20, Duration.ofSeconds(5)))
          .isInstanceOf(StepInterruptedException.class)
          .hasMessage(
              "interrupted by shutdown while waiting for the codfw master of s1 to catch up");
      assertThat(Thread.currentThread().isInterrupted()).as("the flag stays set").isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void theNewestEditReadsAsMariaDbPrintsATimeOrAsMediaWikiStoresIt() {
    assertThat(MariaDbMasters.utc("2026-12-03 07:00:01.250000"))
        .isEqualTo(java.time.Instant.parse("2026-12-03T07:00:01.250Z"));
    assertThat(MariaDbMasters.utc("20261203070001"))
        .isEqualTo(java.time.Instant.parse("2026-12-03T07:00:01Z"));
  }
}
