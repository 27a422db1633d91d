package org.switchman.infra.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.switchman.audit.InMemoryJournal;
import org.switchman.config.DbProperties;
import org.switchman.infra.Mutations;
import org.switchman.lab.Cli;
import org.switchman.lab.Lab;
import org.switchman.lab.LabExtension;
import org.switchman.lab.LabFault;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.DbMasters;

/** The DB masters adapter against the lab's 22 real MariaDB masters; sections s3–s5 only. */
@ExtendWith(LabExtension.class)
class MariaDbMastersIT {

  private static Path passwordFile;
  private static MariaDbMasters masters;
  private static final InMemoryJournal JOURNAL = new InMemoryJournal();
  private static Lab lab;

  @BeforeAll
  static void connect(Lab theLab) throws Exception {
    lab = theLab;
    passwordFile = Files.createTempFile(Path.of("target"), "db-password", "");
    Files.writeString(passwordFile, lab.mysqlAdminPassword() + "\n");
    Map<String, String> endpoints = new HashMap<>();
    for (String section : DbProperties.DEFAULT_SECTIONS) {
      for (String dc : new String[] {"eqiad", "codfw"}) {
        endpoints.put(section + "." + dc, "127.0.0.1:" + lab.mysqlPort(section, dc));
      }
    }
    masters =
        new MariaDbMasters(
            new DbProperties(
                lab.mysqlAdminUser(),
                passwordFile,
                null,
                endpoints,
                Duration.ofSeconds(2),
                Duration.ofSeconds(10)),
            new Mutations(JOURNAL));
  }

  @AfterAll
  static void cleanUp() throws Exception {
    Files.deleteIfExists(passwordFile);
  }

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-db", "ServiceTask_SetDbMastersReadOnly", "alice", mode, "eqiad");
  }

  private static String cliReadOnly(String section, String dc) {
    return Cli.mysql(lab, section, dc, "SELECT @@global.read_only").out().strip();
  }

  @Test
  void readsStateAsTheMysqlClientDoes() {
    assertThat(masters.isReadOnly("s3", "eqiad")).isFalse();
    assertThat(masters.isReadOnly("s3", "codfw")).isTrue();
    assertThat(cliReadOnly("s3", "codfw")).isEqualTo("1");
    assertThat(masters.gtidPosition("s3", "eqiad")).matches("\\d+-\\d+-\\d+.*");
    DbMasters.ReplicationStatus replication = masters.replication("s3", "codfw");
    assertThat(replication.healthy()).as(replication.toString()).isTrue();
    assertThat(masters.newestHeartbeat("s3", "codfw", "eqiad")).isPresent();
  }

  @Test
  void readOnlyThenCatchUpByTheHeartbeatRule() {
    try {
      assertThat(masters.setReadOnly(run(ExecutionMode.LIVE), "s3", "eqiad", true))
          .isEqualTo(MutationOutcome.PERFORMED);
      assertThat(cliReadOnly("s3", "eqiad")).isEqualTo("1");
      Instant reference = masters.newestHeartbeat("s3", "eqiad", "eqiad").orElseThrow();
      Instant proof = masters.awaitCaughtUp("s3", "eqiad", "codfw", 40, Duration.ofMillis(250));
      assertThat(proof).isAfter(reference);
    } finally {
      masters.setReadOnly(run(ExecutionMode.LIVE), "s3", "eqiad", false);
    }
    assertThat(cliReadOnly("s3", "eqiad")).isEqualTo("0");
  }

  @Test
  void dryRunAndLiveTestLeaveTheActiveMastersAlone() {
    assertThat(masters.setReadOnly(run(ExecutionMode.DRY_RUN), "s4", "eqiad", true))
        .isEqualTo(MutationOutcome.WOULD);
    assertThat(masters.setReadOnly(run(ExecutionMode.LIVE_TEST), "s4", "eqiad", true))
        .isEqualTo(MutationOutcome.REFUSED);
    assertThat(cliReadOnly("s4", "eqiad")).isEqualTo("0");
    assertThat(JOURNAL.all())
        .anySatisfy(
            entry -> {
              assertThat(entry.action()).isEqualTo("would: SET GLOBAL read_only = 1");
              assertThat(entry.target()).startsWith("s4 eqiad master (127.0.0.1:");
            });
    assertThat(masters.setReadOnly(run(ExecutionMode.LIVE_TEST), "s4", "codfw", true))
        .as("the passive side may change")
        .isEqualTo(MutationOutcome.PERFORMED);
  }

  @Test
  void aReadOnlyBlockedByALockFailsOnTheServerAndNeverLandsLater() throws Exception {
    LabFault locked =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.DB_LOCKED, null, null, "s6", "eqiad", null, null));
    long started = System.nanoTime();
    try {
      assertThatThrownBy(() -> masters.setReadOnly(run(ExecutionMode.LIVE), "s6", "eqiad", true))
          .isInstanceOf(org.switchman.runbook.port.InfrastructureUnavailableException.class)
          .hasMessageContaining("Lock wait timeout");
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("the server gave up before the 10 s socket timeout")
          .isLessThan(Duration.ofSeconds(9));
      assertThat(JOURNAL.all().get(JOURNAL.all().size() - 1))
          .satisfies(
              last -> {
                assertThat(last.target()).startsWith("s6 eqiad master");
                assertThat(last.outcome())
                    .as("the server answered no: not applied, so not UNKNOWN")
                    .isEqualTo("FAILED");
              });
    } finally {
      lab.faults().clear(locked.id());
    }
    Thread.sleep(1000);
    assertThat(cliReadOnly("s6", "eqiad"))
        .as("the statement did not land once the lock was gone")
        .isEqualTo("0");
  }

  @Test
  void aStoppedReplicaNeverCatchesUp() {
    LabFault stopped =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.REPLICATION_STOPPED, null, null, "s5", "codfw", null, null));
    try {
      masters.setReadOnly(run(ExecutionMode.LIVE), "s5", "eqiad", true);
      assertThat(masters.replication("s5", "codfw").healthy()).isFalse();
      assertThatThrownBy(
              () -> masters.awaitCaughtUp("s5", "eqiad", "codfw", 4, Duration.ofMillis(250)))
          .isInstanceOf(CheckFailedException.class)
          .hasMessageContaining("The codfw master of s5 has not caught up")
          .hasMessageContaining("4 checks");
    } finally {
      lab.faults().clear(stopped.id());
      masters.setReadOnly(run(ExecutionMode.LIVE), "s5", "eqiad", false);
    }
    assertThat(masters.awaitCaughtUp("s5", "eqiad", "codfw", 40, Duration.ofMillis(250)))
        .isNotNull();
  }

  @Test
  void aMissingMasterNamesTheProperty() throws Exception {
    assertThatThrownBy(
            () ->
                new MariaDbMasters(
                    new DbProperties(
                        lab.mysqlAdminUser(),
                        passwordFile,
                        null,
                        Map.of("s1.eqiad", "127.0.0.1:1"),
                        null,
                        null),
                    new Mutations(new InMemoryJournal())))
        .hasMessageContaining("switchman.db.masters.s1.codfw must be host:port");
  }
}
