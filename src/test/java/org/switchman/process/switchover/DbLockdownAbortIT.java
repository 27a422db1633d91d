package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.lab.Cli;
import org.switchman.lab.Lab;
import org.switchman.runbook.port.RunbookLock;
import org.switchman.support.AppLabSlot;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * Aborts of {@code db-masters-read-only} started alone, against the lab, driven through REST as
 * alice (starts, decides), bob (GO) and admin (faults): the run ends rolled back without an
 * incident, releases its lock, and every old master is writable again, read with the real {@code
 * mysql} client, also when a sibling section's {@code SET GLOBAL read_only} was still blocked when
 * the operator aborted and landed after.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"switchman.lab.dir=target/db-lockdown-abort-it-lab"})
@ActiveProfiles("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DbLockdownAbortIT {

  /** A free loopback network and port offset (127.90+N, demo ports + 10000 + 200 N). */
  private static final AppLabSlot SLOT = AppLabSlot.firstFree(90, 10000, List.of("s1", "s2", "s3"));

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.register(registry, "db-lockdown-abort");
  }

  @LocalServerPort int port;
  @Autowired Lab lab;
  @Autowired Journal journal;
  @Autowired RunbookLock locks;

  private SwitchoverRuns runs;
  private Rest admin;

  @BeforeEach
  void clients() {
    runs = new SwitchoverRuns(port);
    admin = Rest.as(port, "admin", "demo");
  }

  @AfterEach
  void clearFaults() {
    admin.delete("/lab/api/faults");
  }

  /** F8: a section whose new master stopped replicating, aborted; the run ends rolled back. */
  @Test
  @Order(1)
  void anAbortedLockdownStartedAloneEndsRolledBackWithEveryOldMasterWritable() {
    assertOldMastersWritable("before the run");
    fault("{\"kind\":\"REPLICATION_STOPPED\",\"section\":\"s1\",\"dc\":\"codfw\"}");
    String run = startLockdown();
    runs.approve(run, "UserTask_GoNoGo", "bob");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSectionFailure");
    assertThat(runs.variable(decision, "section")).isEqualTo("s1");
    assertThat(runs.variable(decision, "failureMessage")).contains("has not caught up");
    assertThat(sql("s1", "eqiad", "SELECT @@global.read_only")).as("s1 was locked").isEqualTo("1");

    abort(decision, "replication of s1 codfw stopped");
    runs.awaitEnd(run);

    assertThat(runs.variable(run, "outcome")).isEqualTo("rolled-back");
    lockReleased();
    assertThat(admin.get("/switchman/api/locks").body()).doesNotContain(run);
    assertOldMastersWritable("after the rollback");
    assertNewMastersReadOnly();
  }

  /**
   * F3b: s1 lags, so its catch-up fails; s2's old master is locked, so its {@code SET GLOBAL
   * read_only = 1} waits. The operator aborts s1 while s2's statement waits, and the lock goes
   * right after: s2's statement lands after the abort. The rollback waits for s2's step and then
   * undoes it too, so no old master stays read-only.
   */
  @Test
  @Order(2)
  void anAbortWhileASiblingIsBlockedLeavesNoOldMasterReadOnly() {
    assertOldMastersWritable("before the run");
    fault("{\"kind\":\"REPLICATION_DELAY\",\"section\":\"s1\",\"dc\":\"codfw\",\"seconds\":30}");
    String locked = fault("{\"kind\":\"DB_LOCKED\",\"section\":\"s2\",\"dc\":\"eqiad\"}");
    String run = startLockdown();
    runs.approve(run, "UserTask_GoNoGo", "bob");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSectionFailure");
    assertThat(runs.variable(decision, "section")).isEqualTo("s1");

    SwitchoverRuns.await(
        () ->
            !sql(
                    "s2",
                    "eqiad",
                    "SELECT ID FROM information_schema.PROCESSLIST"
                        + " WHERE INFO LIKE 'SET GLOBAL read_only%'")
                .isBlank(),
        Duration.ofSeconds(30),
        () -> "s2's SET GLOBAL read_only waiting for the lock");
    abort(decision, "s1 lags behind, switchover postponed");
    assertThat(admin.delete("/lab/api/faults/" + locked).status()).isLessThan(300);
    runs.awaitEnd(run);

    assertThat(runs.variable(run, "outcome")).isEqualTo("rolled-back");
    lockReleased();
    List<JournalEntry> entries = journal.entriesOfRun(run);
    long decided = seqOf(entries, e -> e.kind().equals("DECISION") && e.outcome().equals("ABORT"));
    long landed =
        seqOf(
            entries,
            e ->
                e.step().equals("ServiceTask_SetOldMasterReadOnly[s2]")
                    && e.kind().equals("SQL")
                    && e.outcome().equals("PERFORMED"));
    long undone =
        seqOf(
            entries,
            e ->
                e.step().equals("ServiceTask_RollBackSections[s2]")
                    && e.kind().equals("SQL")
                    && e.outcome().equals("PERFORMED"));
    assertThat(landed).as("s2's read_only = 1 landed after the abort").isGreaterThan(decided);
    assertThat(undone).as("and the rollback undid it after it landed").isGreaterThan(landed);
    assertOldMastersWritable("after the rollback");
    try {
      Thread.sleep(3000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertOldMastersWritable("and still, nothing landed late");
    assertNewMastersReadOnly();
  }

  // ---------------------------------------------------------------- helpers

  private String startLockdown() {
    Rest.Reply reply =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/db-masters-read-only/start",
                "{\"variables\":{\"dcFrom\":{\"value\":\"eqiad\"},\"dcTo\":{\"value\":\"codfw\"},"
                    + "\"mode\":{\"value\":\"live\"},\"reason\":{\"value\":\"DB lockdown abort test\"},"
                    + "\"ticket\":{\"value\":\"T4243\"}}}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().path("id").asText();
  }

  private void abort(JsonNode decision, String justification) {
    runs.complete(
        Rest.as(port, "alice", "demo"),
        decision.path("id").asText(),
        "{\"decision\":{\"value\":\"abort\"},\"justification\":{\"value\":\""
            + justification
            + "\"}}");
  }

  private String fault(String json) {
    Rest.Reply reply = admin.post("/lab/api/faults", json);
    assertThat(reply.status()).as(reply.body()).isLessThan(300);
    return reply.json().path("id").asText();
  }

  private static long seqOf(
      List<JournalEntry> entries, java.util.function.Predicate<JournalEntry> which) {
    return entries.stream()
        .filter(which)
        .mapToLong(JournalEntry::seq)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no such journal entry among "
                        + entries.stream()
                            .map(e -> e.seq() + " " + e.step() + " " + e.kind() + " " + e.outcome())
                            .toList()));
  }

  private void assertOldMastersWritable(String when) {
    for (String section : lab.topology().sections()) {
      assertThat(sql(section, "eqiad", "SELECT @@global.read_only"))
          .as(section + " eqiad " + when)
          .isEqualTo("0");
    }
  }

  private void assertNewMastersReadOnly() {
    for (String section : lab.topology().sections()) {
      assertThat(sql(section, "codfw", "SELECT @@global.read_only"))
          .as(section + " codfw")
          .isEqualTo("1");
    }
  }

  private String sql(String section, String dc, String query) {
    Cli.Result result = Cli.mysql(lab, section, dc, query);
    assertThat(result.exit()).as(result.all()).isZero();
    return result.out().strip();
  }

  /** The run releases its lock right after its end commits. */
  private void lockReleased() {
    SwitchoverRuns.await(
        () -> locks.holders("dc-switchover", "mediawiki").isEmpty(),
        Duration.ofSeconds(10),
        () -> "the lock released; held by " + locks.holders("dc-switchover", "mediawiki"));
  }
}
