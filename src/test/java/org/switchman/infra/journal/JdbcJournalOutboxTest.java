package org.switchman.infra.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import org.switchman.audit.InMemoryJournal;
import org.switchman.audit.JournalChain;
import org.switchman.audit.JournalEntry;

/**
 * The journal outbox on a real H2 database: entries exist exactly when their transaction commits,
 * are chained at once, and are chained later when the journal cannot be written at the commit or
 * the process stops before it could.
 */
class JdbcJournalOutboxTest {

  private static final Duration NEVER = Duration.ofHours(1);

  private JdbcDataSource dataSource;
  private JdbcTemplate jdbc;
  private DataSourceTransactionManager transactions;
  private JdbcJournal journal;
  private final List<JdbcJournalOutbox> opened = new ArrayList<>();

  /** The transactions committed on the database, the callers' and the journal's. */
  private final AtomicInteger commits = new AtomicInteger();

  @BeforeEach
  void freshDatabase() {
    dataSource = new JdbcDataSource();
    // a short lock timeout, so a journal whose head is held fails fast
    dataSource.setURL(
        "jdbc:h2:mem:outbox-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=300");
    jdbc = new JdbcTemplate(dataSource);
    transactions =
        new DataSourceTransactionManager(dataSource) {
          @Override
          protected void doCommit(DefaultTransactionStatus status) {
            commits.incrementAndGet();
            super.doCommit(status);
          }
        };
    journal =
        new JdbcJournal(
            jdbc,
            transactions,
            JournalChain.keyed(InMemoryJournal.randomKey()),
            null,
            Duration.ofMinutes(10),
            Clock.systemUTC());
  }

  @AfterEach
  void close() {
    opened.forEach(JdbcJournalOutbox::close);
  }

  /** An outbox as a starting application opens it; its retries come after {@code retry}. */
  private JdbcJournalOutbox outbox(Duration retry, Duration idlePoll) {
    JdbcJournalOutbox outbox =
        new JdbcJournalOutbox(jdbc, transactions, journal, retry, retry, idlePoll);
    opened.add(outbox);
    return outbox;
  }

  private static JournalEntry.Draft decision(String run, String decision) {
    return new JournalEntry.Draft(
        run,
        "UserTask_Decide",
        "bob",
        "live",
        "DECISION",
        "task 1",
        "decide on 'Decide: check failed'",
        decision,
        "because",
        null,
        null);
  }

  private void inTransaction(Runnable work) {
    new TransactionTemplate(transactions).executeWithoutResult(status -> work.run());
  }

  /** Holds the journal's head row, as a long append by another node would. */
  private Connection holdHead() throws Exception {
    Connection other = dataSource.getConnection();
    other.setAutoCommit(false);
    try (Statement statement = other.createStatement()) {
      statement
          .executeQuery("SELECT LAST_SEQ FROM SWITCHMAN_JOURNAL_HEAD WHERE ID = 1 FOR UPDATE")
          .close();
    }
    return other;
  }

  private void awaitChained(String run, int entries) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (journal.entriesOfRun(run).size() < entries && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(journal.entriesOfRun(run)).hasSize(entries);
  }

  @Test
  void anEntryIsChainedAsItsTransactionCommitsAndNeverIfItRollsBack() {
    JdbcJournalOutbox outbox = outbox(NEVER, NEVER);
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              outbox.append(decision("run-1", "ABORT"));
              status.setRollbackOnly();
            });
    inTransaction(
        () -> {
          outbox.append(decision("run-1", "SKIP"));
          assertThat(journal.entriesOfRun("run-1")).as("not before the commit").isEmpty();
        });
    assertThat(journal.entriesOfRun("run-1"))
        .extracting(JournalEntry::outcome)
        .containsExactly("SKIP");
    assertThat(outbox.waiting()).isZero();
    assertThat(journal.verify().intact()).isTrue();
  }

  @Test
  void aKeyedEntryKeepsItsIdempotencyKeyThroughTheOutbox() {
    JdbcJournalOutbox outbox = outbox(NEVER, NEVER);
    inTransaction(
        () ->
            outbox.append(
                new JournalEntry.Draft(
                    "run-k",
                    "ServiceTask_Depool",
                    "system",
                    "live",
                    "ACTION",
                    "api-rw.discovery.wmnet",
                    "point at codfw",
                    "INTENT",
                    null,
                    null,
                    null,
                    "run-k/act-1/api-rw.discovery.wmnet/1")));
    assertThat(journal.entriesOfRun("run-k"))
        .singleElement()
        .extracting(JournalEntry::idempotencyKey)
        .isEqualTo("run-k/act-1/api-rw.discovery.wmnet/1");
  }

  /**
   * The journal cannot be written when the transaction commits (its head is held): the caller still
   * returns normally, and the entry is chained by the retrying deliverer once it can be.
   */
  @Test
  void aJournalThatCannotBeWrittenAtTheCommitNeitherFailsTheCallerNorLosesTheEntry()
      throws Exception {
    JdbcJournalOutbox outbox = outbox(Duration.ofMillis(100), NEVER);
    Connection other = holdHead();
    try {
      inTransaction(
          () ->
              outbox.append(
                  new JournalEntry.Draft(
                      "run-2",
                      "UserTask_Gate",
                      "bob",
                      "live",
                      "APPROVAL",
                      "task 2",
                      "complete 'GO/NOGO'",
                      "GO",
                      "looks good",
                      null,
                      null)));
      assertThat(journal.entriesOfRun("run-2")).isEmpty();
      assertThat(outbox.waiting()).isEqualTo(1);
    } finally {
      other.rollback();
      other.close();
    }
    awaitChained("run-2", 1);
    assertThat(journal.entriesOfRun("run-2").get(0).outcome()).isEqualTo("GO");
    assertThat(outbox.waiting()).isZero();
  }

  /**
   * The commit happened but the work after it did not (the process died before the entry was
   * chained, and nothing retried it): the next start chains it, once.
   */
  @Test
  void anEntryWhoseProcessDiedAfterTheCommitIsChainedAtTheNextStart() throws Exception {
    JdbcJournalOutbox beforeCrash = outbox(NEVER, NEVER);
    Connection other = holdHead();
    try {
      inTransaction(() -> beforeCrash.append(decision("run-3", "RETRY")));
      // the process dies while the head is still held: its deliverer never gets another chance
      beforeCrash.close();
    } finally {
      other.rollback();
      other.close();
    }
    assertThat(journal.entriesOfRun("run-3")).as("lost with the process").isEmpty();

    outbox(NEVER, NEVER);
    awaitChained("run-3", 1);
    Thread.sleep(200);
    assertThat(journal.entriesOfRun("run-3")).hasSize(1);
    assertThat(journal.verify().intact()).isTrue();
  }

  /**
   * A transaction that queues many entries (a run takes a lock on each of its thousand hosts at its
   * start) has them chained in order a hundred to one commit of the journal, not one commit each.
   */
  @Test
  void theEntriesOfOneCommitAreChainedInOrderAHundredToATransaction() {
    JdbcJournalOutbox outbox = outbox(NEVER, NEVER);
    List<String> queued = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      queued.add("D" + i);
    }
    inTransaction(() -> outbox.append(decision("run-5", "first")));
    int before = commits.get();

    inTransaction(() -> queued.forEach(outcome -> outbox.append(decision("run-5", outcome))));

    assertThat(journal.entriesOfRun("run-5"))
        .extracting(JournalEntry::outcome)
        .containsExactlyElementsOf(Stream.concat(Stream.of("first"), queued.stream()).toList());
    assertThat(commits.get() - before)
        .as("the caller's commit, then three of the journal's for 250 entries")
        .isEqualTo(4);
    assertThat(outbox.waiting()).isZero();
    int chained = commits.get();
    assertThat(outbox.chainWaiting()).isTrue();
    assertThat(commits.get())
        .as("with nothing waiting, a delivery opens no transaction of the journal")
        .isEqualTo(chained);
    assertThat(journal.verify(true).intact()).isTrue();
  }

  /** Two nodes delivering the same outbox chain each entry exactly once, in the order queued. */
  @Test
  void twoDeliverersChainEachEntryOnceAndInOrder() throws Exception {
    JdbcJournalOutbox first = outbox(Duration.ofMillis(20), Duration.ofMillis(20));
    outbox(Duration.ofMillis(20), Duration.ofMillis(20));
    Connection other = holdHead();
    try {
      inTransaction(
          () -> {
            for (int i = 0; i < 30; i++) {
              first.append(decision("run-4", "D" + i));
            }
          });
    } finally {
      other.rollback();
      other.close();
    }
    awaitChained("run-4", 30);
    Thread.sleep(200);
    List<String> outcomes =
        journal.entriesOfRun("run-4").stream().map(JournalEntry::outcome).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      expected.add("D" + i);
    }
    assertThat(outcomes).containsExactlyElementsOf(expected);
    assertThat(journal.verify(true).intact()).isTrue();
  }
}
