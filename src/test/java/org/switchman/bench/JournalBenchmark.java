package org.switchman.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.switchman.audit.JournalChain;
import org.switchman.audit.JournalEntry;
import org.switchman.infra.journal.JdbcJournal;

/**
 * {@code scripts/bench journal}: journal appends on an H2 file database set up as the application's
 * ({@code WRITE_DELAY=0}, see {@code application.yaml}), from one thread (the baseline: each entry
 * its own commit) and then from as many threads as the job executor has (12), as the hosts of a
 * batch append: entries per second, time per entry, commits per entry, and the ratio of the time
 * per entry with 12 threads to the time with one.
 */
public final class JournalBenchmark {

  private static final int ENTRIES = 3_000;
  private static final int THREADS = 12;

  private JournalBenchmark() {}

  /** Counts the commits the journal's transactions make. */
  private static final class CountingTransactions extends DataSourceTransactionManager {
    final AtomicLong commits = new AtomicLong();

    CountingTransactions(HikariDataSource dataSource) {
      super(dataSource);
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
      commits.incrementAndGet();
      super.doCommit(status);
    }
  }

  public static void main(String[] args) throws Exception {
    Path data =
        Files.createTempDirectory(
            Path.of(args.length > 0 ? args[0] : "target").toAbsolutePath(), "bench-journal-");
    try (HikariDataSource dataSource = new HikariDataSource()) {
      dataSource.setJdbcUrl(
          "jdbc:h2:retry:"
              + data.resolve("engine")
              + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;CACHE_SIZE=131072");
      dataSource.setUsername("sa");
      dataSource.setPassword("");
      dataSource.setMaximumPoolSize(24);
      CountingTransactions transactions = new CountingTransactions(dataSource);
      JdbcJournal journal =
          new JdbcJournal(
              new JdbcTemplate(dataSource),
              transactions,
              JournalChain.keyed(org.switchman.audit.InMemoryJournal.randomKey()),
              null,
              Duration.ofMinutes(10),
              Clock.systemUTC());
      append(journal, transactions, 1, ENTRIES); // warm-up, not counted
      Result alone = append(journal, transactions, 1, ENTRIES);
      Result together = append(journal, transactions, THREADS, ENTRIES);
      System.out.println(alone.describe("1 thread  "));
      System.out.println(together.describe(THREADS + " threads"));
      System.out.printf(
          "time per entry, %d threads against 1: ratio %.2f; the journal's chain: %s%n",
          THREADS,
          together.millisPerEntry() / alone.millisPerEntry(),
          journal.verify(true).intact() ? "intact" : "BROKEN");
    }
  }

  private record Result(int entries, long nanos, long commits) {
    double millisPerEntry() {
      return nanos / 1e6 / entries;
    }

    String describe(String who) {
      return String.format(
          "%s: %d entries in %d ms, %.0f entries/s, %.3f ms per entry, %.2f commits per entry",
          who,
          entries,
          nanos / 1_000_000,
          entries / (nanos / 1e9),
          millisPerEntry(),
          (double) commits / entries);
    }
  }

  private static Result append(
      JdbcJournal journal, CountingTransactions transactions, int threads, int entries)
      throws Exception {
    long commitsBefore = transactions.commits.get();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long started = System.nanoTime();
    try {
      List<Future<?>> appenders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        appenders.add(
            pool.submit(
                () -> {
                  for (int i = thread; i < entries; i += threads) {
                    journal.append(draft(i));
                  }
                  return null;
                }));
      }
      for (Future<?> appender : appenders) {
        appender.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(
        entries, System.nanoTime() - started, transactions.commits.get() - commitsBefore);
  }

  /** An entry as a host's step writes one: a dry-run depool of one host. */
  private static JournalEntry.Draft draft(int i) {
    return new JournalEntry.Draft(
        "run-" + (i % 7),
        "ServiceTask_DepoolHost",
        "alice",
        "dry-run",
        "CONFTOOL",
        "mw" + (1000 + i) + ".eqiad.wmnet",
        "set pooled=no",
        "WOULD",
        null,
        null,
        null,
        "run-" + (i % 7) + "/step-" + i + "/mw" + (1000 + i) + "/1");
  }
}
