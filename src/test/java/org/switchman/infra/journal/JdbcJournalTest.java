package org.switchman.infra.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import org.switchman.audit.InMemoryJournal;
import org.switchman.audit.JournalChain;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalHead;
import org.switchman.audit.JournalKind;
import org.switchman.audit.JournalVerification;

/** The JDBC journal on a real H2 database: chain, tampering, concurrency, own transactions. */
class JdbcJournalTest {

  private JdbcDataSource dataSource;
  private JdbcTemplate jdbc;
  private DataSourceTransactionManager transactions;
  private final byte[] key = InMemoryJournal.randomKey();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private JdbcJournal journal;

  @BeforeEach
  void freshDatabase() {
    dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:journal-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    jdbc = new JdbcTemplate(dataSource);
    transactions = new DataSourceTransactionManager(dataSource);
    journal = journalWith(key, null);
  }

  /** A journal with this test's key on the given statements and transactions. */
  private JdbcJournal journalOver(JdbcTemplate statements, PlatformTransactionManager commits) {
    return new JdbcJournal(
        statements, commits, JournalChain.keyed(key), null, Duration.ofMinutes(10), clock);
  }

  /** Waits up to 10 s until {@code count} entries wait for their group. */
  private static void awaitWaiting(JdbcJournal journal, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (journal.waitingEntries() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(journal.waitingEntries()).isEqualTo(count);
  }

  /** A journal on the same database, as a restarted application would open it. */
  private JdbcJournal journalWith(byte[] journalKey, Long sealUnkeyedThrough) {
    return new JdbcJournal(
        jdbc,
        transactions,
        JournalChain.keyed(journalKey),
        sealUnkeyedThrough,
        Duration.ofMinutes(10),
        clock);
  }

  /** A clock the test moves; entries get distinct times from it. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private JournalEntry append(String run, int i) {
    return journal.append(draft(run, i));
  }

  private static JournalEntry.Draft draft(String run, int i) {
    return new JournalEntry.Draft(
        run,
        "ServiceTask_Step",
        "alice",
        "live",
        "SSH_COMMAND",
        "mw" + (1000 + i) + ".eqiad.wmnet",
        "systemctl restart php-fpm",
        "PERFORMED",
        "output " + i,
        5L,
        "SHA256:key" + i);
  }

  @Test
  void entriesChainAndReadBackAsWritten() {
    JournalEntry first = append("run-a", 1);
    JournalEntry second = append("run-b", 2);
    JournalEntry third = append("run-a", 3);

    assertThat(first.seq()).isEqualTo(1);
    assertThat(second.previousHash()).isEqualTo(first.hash());
    assertThat(journal.entriesOfRun("run-a")).containsExactly(first, third);
    assertThat(journal.verify()).isEqualTo(JournalVerification.ok(3, 3));
    assertThat(journal.verifyRun("run-a").intact()).isTrue();
    assertThat(journal.head()).isEqualTo(new JournalHead(3, third.hash()));
    assertThat(journal.entry(2)).contains(second);
  }

  @Test
  void idempotencyKeysJoinAJournalWrittenBeforeThemAndAreCoveredByTheHash() {
    append("run-a", 1);
    append("run-a", 2);
    // a journal from before idempotency keys: the table without their column
    jdbc.execute("ALTER TABLE SWITCHMAN_JOURNAL DROP COLUMN IDEMPOTENCY_KEY");
    journal = journalWith(key, null);
    assertThat(journal.verify(true).intact()).as("old entries verify as they are").isTrue();

    JournalEntry keyed =
        journal.append(
            new JournalEntry.Draft(
                "run-a",
                "ServiceTask_Step",
                "alice",
                "live",
                "SSH_COMMAND",
                "mw1003.eqiad.wmnet",
                "systemctl restart php-fpm",
                "INTENT",
                null,
                null,
                null,
                "run-a/ServiceTask_Step:1/mw1003.eqiad.wmnet/abc/1"));
    append("run-b", 4);
    assertThat(journal.entry(3).orElseThrow().idempotencyKey())
        .isEqualTo("run-a/ServiceTask_Step:1/mw1003.eqiad.wmnet/abc/1");
    assertThat(journal.entry(3)).contains(keyed);
    assertThat(journal.entry(1).orElseThrow().idempotencyKey()).isNull();
    assertThat(journal.entriesOfStep("run-a", "ServiceTask_Step"))
        .extracting(JournalEntry::seq)
        .containsExactly(1L, 2L, 3L);
    assertThat(journal.verify(true).intact()).isTrue();
    assertThat(journal.verifyRun("run-a").intact()).isTrue();

    jdbc.update("UPDATE SWITCHMAN_JOURNAL SET IDEMPOTENCY_KEY = NULL WHERE SEQ = 3");
    assertThat(journal.verify(true).firstBrokenSeq()).as("a removed key").isEqualTo(3);
    jdbc.update("UPDATE SWITCHMAN_JOURNAL SET IDEMPOTENCY_KEY = 'run-a/x/2' WHERE SEQ = 3");
    assertThat(journal.verify(true).firstBrokenSeq()).as("an edited key").isEqualTo(3);
    jdbc.update(
        "UPDATE SWITCHMAN_JOURNAL SET IDEMPOTENCY_KEY = ? WHERE SEQ = 3", keyed.idempotencyKey());
    jdbc.update("UPDATE SWITCHMAN_JOURNAL SET IDEMPOTENCY_KEY = 'run-a/x/1' WHERE SEQ = 2");
    assertThat(journal.verify(true).firstBrokenSeq())
        .as("a key added to an old entry")
        .isEqualTo(2);
  }

  @Test
  void anEntryChangedWithJdbcIsReportedAtThatEntry() {
    for (int i = 1; i <= 4; i++) {
      append("run-a", i);
    }
    jdbc.update("UPDATE SWITCHMAN_JOURNAL SET OUTPUT = 'all fine' WHERE SEQ = 3");

    JournalVerification whole = journal.verify();
    assertThat(whole.intact()).isFalse();
    assertThat(whole.firstBrokenSeq()).isEqualTo(3);
    assertThat(journal.verifyRun("run-a").firstBrokenSeq()).isEqualTo(3);
  }

  @Test
  void anEntryDeletedWithJdbcIsReportedAtThatEntry() {
    for (int i = 1; i <= 4; i++) {
      append(i % 2 == 0 ? "run-a" : "run-b", i);
    }
    jdbc.update("DELETE FROM SWITCHMAN_JOURNAL WHERE SEQ = 2");
    assertThat(journal.verify().firstBrokenSeq()).isEqualTo(2);
    assertThat(journal.verifyRun("run-b").firstBrokenSeq()).isEqualTo(2);

    jdbc.update("DELETE FROM SWITCHMAN_JOURNAL WHERE SEQ = 4");
    assertThat(journal.verify().firstBrokenSeq()).isEqualTo(2);
  }

  @Test
  void prunedEntriesLeaveAChainThatChecksFromThePruningRecord() {
    for (int i = 1; i <= 4; i++) {
      append(i % 2 == 0 ? "run-a" : "run-b", i);
      clock.advance(Duration.ofDays(1));
    }
    Instant cutoff = clock.instant().minus(Duration.ofDays(2)).minusSeconds(1);
    append("run-a", 5);
    String hashOf2 = journal.entry(2).orElseThrow().hash();

    assertThat(journal.pruneBefore(cutoff)).as("entries 1 and 2, written before").isEqualTo(2);

    assertThat(journal.entry(2)).isEmpty();
    JournalEntry record = journal.entry(6).orElseThrow();
    assertThat(record.kind()).isEqualTo("CHAIN");
    assertThat(record.outcome()).isEqualTo(JdbcJournal.PRUNED_OUTCOME);
    assertThat(record.output()).isEqualTo("through=2 hash=" + hashOf2);
    assertThat(journal.verify(true).intact()).as(journal.verify(true).toString()).isTrue();
    assertThat(journal.verifyRun("run-b").intact()).as("entry 3 links to the pruned 2").isTrue();
    assertThat(journal.verifyRun("run-a").intact()).isTrue();
    assertThat(journal.pruneBefore(cutoff)).as("nothing more to prune").isZero();
    append("run-a", 7);
    assertThat(journal.verify(true).intact()).isTrue();
  }

  @Test
  void entriesDeletedBeyondThePruningOrAForgedRecordAreReported() {
    for (int i = 1; i <= 4; i++) {
      append("run-a", i);
      clock.advance(Duration.ofDays(1));
    }
    journal.pruneBefore(clock.instant().minus(Duration.ofDays(2)).minusSeconds(1));

    jdbc.update("DELETE FROM SWITCHMAN_JOURNAL WHERE SEQ = 3");
    assertThat(journal.verify(true).firstBrokenSeq()).as("entry 3 gone too").isEqualTo(3);

    // a record of a pruning through 3, forged without the key, does not account for it
    jdbc.update(
        "UPDATE SWITCHMAN_JOURNAL SET OUTPUT = ? WHERE OUTCOME = ?",
        "through=3 hash=" + "a".repeat(64),
        JdbcJournal.PRUNED_OUTCOME);
    assertThat(journal.verify(true).intact()).isFalse();
    assertThat(journal.verifyRun("run-a").intact()).isFalse();
  }

  @Test
  void aDeletedLastEntryIsReported() {
    append("run-a", 1);
    append("run-a", 2);
    jdbc.update("DELETE FROM SWITCHMAN_JOURNAL WHERE SEQ = 2");
    assertThat(journal.verify().firstBrokenSeq()).isEqualTo(2);
  }

  @Test
  void concurrentAppendsFormOneChain() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<JournalEntry>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        futures.add(pool.submit(() -> append("run-" + (n % 5), n)));
      }
      for (Future<JournalEntry> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(journal.verify()).isEqualTo(JournalVerification.ok(200, 200));
  }

  /**
   * Transactions whose first commit waits until the test lets it go, and whose commits fail (rolled
   * back) from a given one on: so a test can hold one append in its commit while others arrive.
   */
  private static final class GatedTransactions extends DataSourceTransactionManager {
    final AtomicInteger commits = new AtomicInteger();
    final CountDownLatch firstCommitMayEnd = new CountDownLatch(1);
    final CountDownLatch firstCommitStarted = new CountDownLatch(1);
    volatile int failFromCommit = Integer.MAX_VALUE;

    GatedTransactions(JdbcDataSource dataSource) {
      super(dataSource);
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
      int commit = commits.incrementAndGet();
      if (commit == 1) {
        firstCommitStarted.countDown();
        try {
          firstCommitMayEnd.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (commit >= failFromCommit) {
        // as a database that refuses a commit: nothing of the transaction stays
        doRollback(status);
        throw new TransactionSystemException("the database failed commit " + commit);
      }
      super.doCommit(status);
    }
  }

  /**
   * Appends {@code count} entries on threads of their own while the journal's first append is held
   * in its commit, and lets that commit go once all of them wait.
   */
  private List<Future<JournalEntry>> appendBehindAHeldCommit(
      JdbcJournal gated, GatedTransactions gate, ExecutorService pool, int count) throws Exception {
    List<Future<JournalEntry>> appends = new ArrayList<>();
    appends.add(pool.submit(() -> gated.append(draft("run-first", 0))));
    assertThat(gate.firstCommitStarted.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i <= count; i++) {
      int n = i;
      appends.add(pool.submit(() -> gated.append(draft("run-" + n, n))));
    }
    awaitWaiting(gated, count);
    gate.firstCommitMayEnd.countDown();
    return appends;
  }

  @Test
  void appendsThatArriveDuringACommitShareTheNextOne() throws Exception {
    GatedTransactions gate = new GatedTransactions(dataSource);
    JdbcJournal gated = journalOver(jdbc, gate);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<JournalEntry> stored = new ArrayList<>();
    try {
      for (Future<JournalEntry> append : appendBehindAHeldCommit(gated, gate, pool, 9)) {
        stored.add(append.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(gate.commits).hasValue(2);
    // each caller got its own entry, as stored
    for (int i = 0; i < stored.size(); i++) {
      assertThat(stored.get(i).runId()).isEqualTo(i == 0 ? "run-first" : "run-" + i);
      assertThat(gated.entry(stored.get(i).seq())).contains(stored.get(i));
    }
    assertThat(stored).extracting(JournalEntry::seq).doesNotHaveDuplicates();
    assertThat(gated.verify()).isEqualTo(JournalVerification.ok(10, 10));
  }

  @Test
  void moreEntriesThanAGroupHoldsTakeOneCommitPerGroup() throws Exception {
    GatedTransactions gate = new GatedTransactions(dataSource);
    JdbcJournal gated = journalOver(jdbc, gate);
    int behind = JdbcJournal.MAX_GROUP + JdbcJournal.MAX_GROUP / 2;
    ExecutorService pool = Executors.newFixedThreadPool(behind + 1);
    List<JournalEntry> stored = new ArrayList<>();
    try {
      for (Future<JournalEntry> append : appendBehindAHeldCommit(gated, gate, pool, behind)) {
        stored.add(append.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(gate.commits).hasValue(3);
    assertThat(stored).extracting(JournalEntry::seq).doesNotHaveDuplicates();
    assertThat(gated.verify()).isEqualTo(JournalVerification.ok(behind + 1, behind + 1));
  }

  @Test
  void anEntryTheDatabaseRefusesFailsItsOwnAppendOnlyAndTheRestOfItsGroupIsAppended()
      throws Exception {
    GatedTransactions gate = new GatedTransactions(dataSource);
    JdbcTemplate refusing =
        new JdbcTemplate(dataSource) {
          @Override
          public int update(String sql, Object... args) {
            if (sql.startsWith("INSERT INTO SWITCHMAN_JOURNAL (")
                && java.util.Arrays.asList(args).contains("run-2")) {
              throw new DataIntegrityViolationException("the database refuses this entry");
            }
            return super.update(sql, args);
          }
        };
    JdbcJournal gated = journalOver(refusing, gate);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<JournalEntry>> appends = appendBehindAHeldCommit(gated, gate, pool, 3);
      assertThat(appends.get(0).get(10, TimeUnit.SECONDS).runId()).isEqualTo("run-first");
      assertThat(appends.get(1).get(10, TimeUnit.SECONDS).runId()).isEqualTo("run-1");
      assertThatThrownBy(() -> appends.get(2).get(10, TimeUnit.SECONDS))
          .hasRootCauseMessage("the database refuses this entry");
      assertThat(appends.get(3).get(10, TimeUnit.SECONDS).runId()).isEqualTo("run-3");
    } finally {
      pool.shutdownNow();
    }
    assertThat(journal.verify()).isEqualTo(JournalVerification.ok(3, 3));
    assertThat(journal.entriesOfRun("run-2")).isEmpty();
  }

  @Test
  void anAppendInterruptedWhileItWaitsIsStillMadeAndTheInterruptKept() throws Exception {
    GatedTransactions gate = new GatedTransactions(dataSource);
    JdbcJournal gated = journalOver(jdbc, gate);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<JournalEntry> first = pool.submit(() -> gated.append(draft("run-first", 0)));
      assertThat(gate.firstCommitStarted.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
      CompletableFuture<JournalEntry> second = new CompletableFuture<>();
      Thread waiter =
          new Thread(
              () -> {
                second.complete(gated.append(draft("run-interrupted", 1)));
                interruptKept.complete(Thread.currentThread().isInterrupted());
              });
      waiter.start();
      awaitWaiting(gated, 1);
      // interrupted in its wait for the group, not before it
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (waiter.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(waiter.getState()).isEqualTo(Thread.State.WAITING);
      waiter.interrupt();
      Thread.sleep(100);
      assertThat(second).isNotDone();
      gate.firstCommitMayEnd.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);
      assertThat(second.get(10, TimeUnit.SECONDS).seq()).isEqualTo(2);
      assertThat(interruptKept.get(10, TimeUnit.SECONDS)).isTrue();
      waiter.join(10_000);
    } finally {
      pool.shutdownNow();
    }
    assertThat(gated.verify()).isEqualTo(JournalVerification.ok(2, 2));
  }

  @Test
  void aFailedCommitFailsEveryAppendOfItsGroupAndLeavesTheChainIntact() throws Exception {
    GatedTransactions gate = new GatedTransactions(dataSource);
    gate.failFromCommit = 2;
    JdbcJournal gated = journalOver(jdbc, gate);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<JournalEntry>> appends = appendBehindAHeldCommit(gated, gate, pool, 3);
      assertThat(appends.get(0).get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);
      for (Future<JournalEntry> failed : appends.subList(1, appends.size())) {
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasRootCauseMessage("the database failed commit 2");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(gate.commits).hasValue(2);
    assertThat(gated.waitingEntries()).isZero();
    gate.failFromCommit = Integer.MAX_VALUE;
    assertThat(gated.append(draft("run-after", 4)).seq()).isEqualTo(2);
    assertThat(gated.verify()).isEqualTo(JournalVerification.ok(2, 2));
  }

  @Test
  void anEntrySurvivesTheRollbackOfTheCallersTransaction() {
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              append("run-failed", 1);
              status.setRollbackOnly();
            });
    assertThat(journal.entriesOfRun("run-failed")).hasSize(1);
  }

  @Test
  void longOutputIsCutWithAMarker() {
    JournalEntry entry =
        journal.append(
            new JournalEntry.Draft(
                "run-a",
                "s",
                "alice",
                "live",
                "SSH_COMMAND",
                "h",
                "journalctl",
                "PERFORMED",
                "x".repeat(100_000),
                1L,
                null));
    assertCutVisibly(entry.output(), "x".repeat(100_000), JdbcJournal.MAX_OUTPUT);
    assertThat(journal.verify().intact()).isTrue();
  }

  @Test
  void everyOversizedFieldIsCutVisiblyAndTheHashCoversTheStoredValue() {
    String target = "s".repeat(2_000);
    String actor = "a".repeat(200);
    JournalEntry entry =
        journal.append(
            new JournalEntry.Draft(
                "run-a",
                "UserTask_Decide",
                actor,
                "live" + "x".repeat(100),
                "DECISION",
                target,
                "skip",
                "SKIP",
                "quiet",
                null,
                null));

    assertCutVisibly(entry.target(), target, 1024);
    assertThat(entry.target()).endsWith("…[truncated 998 chars]");
    assertCutVisibly(entry.actor(), actor, 128);
    assertThat(entry.actor()).endsWith("…[truncated 93 chars]");
    assertCutVisibly(entry.mode(), "live" + "x".repeat(100), 16);
    assertThat(entry.mode()).isEqualTo("livexxxxxx…[+94]");
    JournalEntry stored = journal.entriesOfRun("run-a").get(0);
    assertThat(stored).isEqualTo(entry);
    assertThat(journal.verify().intact()).isTrue();
    assertThat(journal.verifyRun("run-a").intact()).isTrue();
  }

  @Test
  void capNeverExceedsTheColumnNorSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00".repeat(100);
    String capped = JdbcJournal.cap(emoji, 64);
    assertThat(capped.length()).isLessThanOrEqualTo(64);
    assertThat(Character.isHighSurrogate(capped.charAt(capped.indexOf('…') - 1))).isFalse();
    assertThat(JdbcJournal.cap("short", 16)).isEqualTo("short");
    assertThat(JdbcJournal.cap("y".repeat(10_000), 16)).isEqualTo("yyyyyyyy…[+9992]");
  }

  /**
   * At most {@code max} characters: the start of the original, then how many characters were cut.
   */
  private static void assertCutVisibly(String stored, String original, int max) {
    assertThat(stored.length()).isLessThanOrEqualTo(max).isGreaterThan(max - 25);
    String kept = stored.substring(0, stored.indexOf('…'));
    assertThat(original).startsWith(kept);
    assertThat(stored.substring(kept.length()))
        .matches(
            "…\\[(truncated "
                + (original.length() - kept.length())
                + " chars|\\+"
                + (original.length() - kept.length())
                + ")]");
  }

  @Test
  void anotherKeyFailsTheChainAtItsFirstEntry() {
    append("run-a", 1);
    append("run-a", 2);
    JournalVerification result = journalWith(InMemoryJournal.randomKey(), null).verify(true);
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(1);
    assertThat(result.problem()).contains("entry 1 does not match its keyed hash");
    assertThat(journalWith(key, null).verify(true).intact()).isTrue();
  }

  /**
   * Someone with write access to the database but not the key edits a row and recomputes every
   * later hash and the head, with plain SHA-256 (as the journal hashed before it had a key) or with
   * a key of their own.
   */
  @Test
  void aRowRewrittenWithAllHashesAndTheHeadRecomputedWithoutTheKeyIsFound() {
    for (int i = 1; i <= 6; i++) {
      append(i % 2 == 0 ? "run-a" : "run-b", i);
    }
    JournalHead published = journal.head();
    for (String forgery : List.of("sha256", "another key")) {
      rewrite(
          3,
          "dave",
          forgery.equals("sha256") ? null : JournalChain.keyed(InMemoryJournal.randomKey()));

      JdbcJournal restarted = journalWith(key, null);
      JournalVerification whole = restarted.verify(true);
      assertThat(whole.intact()).as(forgery).isFalse();
      assertThat(whole.firstBrokenSeq()).as(forgery).isEqualTo(1);
      assertThat(restarted.verifyRun("run-b").intact()).as(forgery).isFalse();
      assertThat(restarted.entry(6).orElseThrow().hash())
          .as(forgery)
          .isNotEqualTo(published.hash());
    }
  }

  /** Recomputes the whole chain and the head after setting one row's actor, as a forger would. */
  private void rewrite(long seq, String actor, JournalChain forgerKey) {
    jdbc.update("UPDATE SWITCHMAN_JOURNAL SET ACTOR = ? WHERE SEQ = ?", actor, seq);
    String previous = JournalChain.GENESIS;
    for (JournalEntry e :
        jdbc.query(
            "SELECT SEQ FROM SWITCHMAN_JOURNAL ORDER BY SEQ",
            (rs, row) -> journal.entry(rs.getLong(1)).orElseThrow())) {
      long micros = JournalChain.micros(e.at());
      String hash =
          forgerKey == null
              ? JournalChain.unkeyedHashOf(e.seq(), micros, JournalChain.draftOf(e), previous)
              : forgerKey.hashOf(e.seq(), micros, JournalChain.draftOf(e), previous);
      jdbc.update(
          "UPDATE SWITCHMAN_JOURNAL SET PREV_HASH = ?, HASH = ?, SCHEME = ? WHERE SEQ = ?",
          previous,
          hash,
          forgerKey == null ? JournalChain.UNKEYED : JournalChain.KEYED,
          e.seq());
      previous = hash;
    }
    jdbc.update("UPDATE SWITCHMAN_JOURNAL_HEAD SET LAST_HASH = ? WHERE ID = 1", previous);
  }

  @Test
  void aJournalWrittenBeforeItHadAKeyIsReportedUntilSealedThenSealedOnce() {
    for (int i = 1; i <= 3; i++) {
      append("run-old", i);
    }
    rewrite(2, "alice", null);
    // the table as it was before entries recorded their scheme
    jdbc.execute("ALTER TABLE SWITCHMAN_JOURNAL DROP COLUMN SCHEME");

    JournalVerification unsealed = journalWith(key, null).verify(true);
    assertThat(unsealed.intact()).isFalse();
    assertThat(unsealed.firstBrokenSeq()).isEqualTo(1);
    assertThat(unsealed.problem()).contains("without the journal key");

    assertThat(journalWith(key, 2L).entry(4)).as("the journal does not end at entry 2").isEmpty();
    JdbcJournal sealing = journalWith(key, 3L);
    JournalEntry seal = sealing.entry(4).orElseThrow();
    assertThat(seal.kind()).isEqualTo(JournalKind.CHAIN.name());
    assertThat(seal.action()).contains("entries 1 to 3 were written without the journal key");
    append("run-new", 5);
    assertThat(sealing.verify(true)).isEqualTo(JournalVerification.ok(5, 5));
    assertThat(sealing.verifyRun("run-old").intact()).isTrue();

    // rows downgraded later (even all of them, seal included) are not sealed again
    rewrite(5, "mallory", null);
    JdbcJournal reopened = journalWith(key, 3L);
    assertThat(reopened.head().seq()).isEqualTo(5);
    assertThat(reopened.verify(true).intact()).isFalse();
  }

  @Test
  void aSecondCheckReadsOnlyTheNewEntriesAndAFullCheckStillFindsOldEdits() {
    for (int i = 1; i <= 1_200; i++) {
      append("run-a", i);
    }
    JournalVerification first = journal.verify();
    assertThat(first).isEqualTo(JournalVerification.ok(1_200, 1_200));

    append("run-a", 1_201);
    append("run-a", 1_202);
    jdbc.update("UPDATE SWITCHMAN_JOURNAL SET OUTPUT = 'all fine' WHERE SEQ = 7");
    JournalVerification second = journal.verify();
    assertThat(second.intact()).isTrue();
    assertThat(second.incremental()).isTrue();
    assertThat(second.checked()).isEqualTo(2);
    assertThat(second.throughSeq()).isEqualTo(1_202);

    JournalVerification full = journal.verify(true);
    assertThat(full.intact()).isFalse();
    assertThat(full.firstBrokenSeq()).isEqualTo(7);
    assertThat(full.incremental()).isFalse();
    // after a broken result the next check reads from the first entry again
    assertThat(journal.verify().firstBrokenSeq()).isEqualTo(7);
  }

  @Test
  void theCheckReadsFromTheFirstEntryAgainOnceTheFullCheckIntervalIsOver() {
    for (int i = 1; i <= 5; i++) {
      append("run-a", i);
    }
    assertThat(journal.verify().incremental()).isFalse();
    jdbc.update("UPDATE SWITCHMAN_JOURNAL SET ACTOR = 'dave' WHERE SEQ = 2");
    assertThat(journal.verify()).isEqualTo(new JournalVerification(true, 0, null, null, 5, true));

    clock.advance(Duration.ofMinutes(11));
    JournalVerification later = journal.verify();
    assertThat(later.incremental()).isFalse();
    assertThat(later.firstBrokenSeq()).isEqualTo(2);
  }

  @Test
  void anEmptyJournalIsIntact() {
    assertThat(journal.verify()).isEqualTo(JournalVerification.ok(0, 0));
    assertThat(journal.head()).isEqualTo(new JournalHead(0, JournalChain.GENESIS));
  }
}
