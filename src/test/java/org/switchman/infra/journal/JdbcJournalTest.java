package org.switchman.infra.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalVerification;

/** The JDBC journal on a real H2 database: chain, tampering, concurrency, own transactions. */
class JdbcJournalTest {

  private JdbcTemplate jdbc;
  private DataSourceTransactionManager transactions;
  private JdbcJournal journal;

  @BeforeEach
  void freshDatabase() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:journal-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    jdbc = new JdbcTemplate(dataSource);
    transactions = new DataSourceTransactionManager(dataSource);
    journal = new JdbcJournal(jdbc, transactions);
  }

  private JournalEntry append(String run, int i) {
    return journal.append(new JournalEntry.Draft(run, "ServiceTask_Step", "alice", "live",
        "SSH_COMMAND", "mw" + (1000 + i) + ".eqiad.wmnet", "systemctl restart php-fpm",
        "PERFORMED", "output " + i, 5L, "SHA256:key" + i));
  }

  @Test
  void entriesChainAndReadBackAsWritten() {
    JournalEntry first = append("run-a", 1);
    JournalEntry second = append("run-b", 2);
    JournalEntry third = append("run-a", 3);

    assertThat(first.seq()).isEqualTo(1);
    assertThat(second.previousHash()).isEqualTo(first.hash());
    assertThat(journal.entriesOfRun("run-a")).containsExactly(first, third);
    assertThat(journal.verify()).isEqualTo(JournalVerification.ok(3));
    assertThat(journal.verifyRun("run-a").intact()).isTrue();
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
    assertThat(journal.verify()).isEqualTo(JournalVerification.ok(200));
  }

  @Test
  void anEntrySurvivesTheRollbackOfTheCallersTransaction() {
    new TransactionTemplate(transactions).executeWithoutResult(status -> {
      append("run-failed", 1);
      status.setRollbackOnly();
    });
    assertThat(journal.entriesOfRun("run-failed")).hasSize(1);
  }

  @Test
  void longOutputIsCutWithAMarker() {
    JournalEntry entry = journal.append(new JournalEntry.Draft("run-a", "s", "alice", "live",
        "SSH_COMMAND", "h", "journalctl", "PERFORMED", "x".repeat(100_000), 1L, null));
    assertThat(entry.output()).hasSizeLessThanOrEqualTo(JdbcJournal.MAX_OUTPUT)
        .endsWith("more characters cut]");
    assertThat(journal.verify().intact()).isTrue();
  }
}
