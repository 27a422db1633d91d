package org.switchman.infra.journal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalChain;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalVerification;

/**
 * The journal in two tables of the engine's database: {@code SWITCHMAN_JOURNAL} (the entries) and
 * {@code SWITCHMAN_JOURNAL_HEAD} (one row: the last seq and hash). An append locks the head row
 * ({@code SELECT … FOR UPDATE}), so appends from all threads and all cluster nodes form one chain.
 * This class has no update or delete statement for entries.
 */
@Component
public class JdbcJournal implements Journal {

  /** Longest output kept per entry; the rest is cut with a marker. */
  public static final int MAX_OUTPUT = 65_000;

  private static final String COLUMNS = "SEQ, AT_MICROS, RUN_ID, STEP, ACTOR, MODE, KIND, TARGET,"
      + " ACTION, OUTCOME, OUTPUT, DURATION_MS, HOST_KEY, PREV_HASH, HASH";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate ownTransaction;

  public JdbcJournal(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    createSchema();
  }

  private void createSchema() {
    jdbc.execute("CREATE TABLE IF NOT EXISTS SWITCHMAN_JOURNAL ("
        + " SEQ BIGINT NOT NULL PRIMARY KEY,"
        + " AT_MICROS BIGINT NOT NULL,"
        + " RUN_ID VARCHAR(64) NOT NULL,"
        + " STEP VARCHAR(255) NOT NULL,"
        + " ACTOR VARCHAR(128) NOT NULL,"
        + " MODE VARCHAR(16) NOT NULL,"
        + " KIND VARCHAR(32) NOT NULL,"
        + " TARGET VARCHAR(1024) NOT NULL,"
        + " ACTION VARCHAR(8192) NOT NULL,"
        + " OUTCOME VARCHAR(32) NOT NULL,"
        + " OUTPUT VARCHAR(65535),"
        + " DURATION_MS BIGINT,"
        + " HOST_KEY VARCHAR(256),"
        + " PREV_HASH CHAR(64) NOT NULL,"
        + " HASH CHAR(64) NOT NULL)");
    jdbc.execute("CREATE INDEX IF NOT EXISTS SWITCHMAN_JOURNAL_RUN ON SWITCHMAN_JOURNAL (RUN_ID, SEQ)");
    jdbc.execute("CREATE TABLE IF NOT EXISTS SWITCHMAN_JOURNAL_HEAD ("
        + " ID INT NOT NULL PRIMARY KEY, LAST_SEQ BIGINT NOT NULL, LAST_HASH CHAR(64) NOT NULL)");
    if (jdbc.queryForObject("SELECT COUNT(*) FROM SWITCHMAN_JOURNAL_HEAD", Long.class) == 0) {
      try {
        jdbc.update("INSERT INTO SWITCHMAN_JOURNAL_HEAD (ID, LAST_SEQ, LAST_HASH) VALUES (1, 0, ?)",
            JournalChain.GENESIS);
      } catch (DuplicateKeyException anotherNodeWasFaster) {
        // the head exists: that is all we wanted
      }
    }
  }

  @Override
  public JournalEntry append(JournalEntry.Draft draft) {
    JournalEntry.Draft capped = cap(draft);
    return ownTransaction.execute(status -> {
      Map<String, Object> head = jdbc.queryForMap(
          "SELECT LAST_SEQ, LAST_HASH FROM SWITCHMAN_JOURNAL_HEAD WHERE ID = 1 FOR UPDATE");
      long seq = ((Number) head.get("LAST_SEQ")).longValue() + 1;
      String previousHash = ((String) head.get("LAST_HASH")).trim();
      Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
      long atMicros = JournalChain.micros(at);
      String hash = JournalChain.hashOf(seq, atMicros, capped, previousHash);
      jdbc.update("INSERT INTO SWITCHMAN_JOURNAL (" + COLUMNS + ")"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          seq, atMicros, capped.runId(), capped.step(), capped.actor(), capped.mode(), capped.kind(),
          capped.target(), capped.action(), capped.outcome(), capped.output(),
          capped.durationMillis(), capped.hostKeyFingerprint(), previousHash, hash);
      jdbc.update("UPDATE SWITCHMAN_JOURNAL_HEAD SET LAST_SEQ = ?, LAST_HASH = ? WHERE ID = 1",
          seq, hash);
      return new JournalEntry(seq, at, capped.runId(), capped.step(), capped.actor(), capped.mode(),
          capped.kind(), capped.target(), capped.action(), capped.outcome(), capped.output(),
          capped.durationMillis(), capped.hostKeyFingerprint(), previousHash, hash);
    });
  }

  @Override
  public List<JournalEntry> entriesOfRun(String runId) {
    return jdbc.query("SELECT " + COLUMNS + " FROM SWITCHMAN_JOURNAL WHERE RUN_ID = ? ORDER BY SEQ",
        ROW, runId);
  }

  @Override
  public JournalVerification verify() {
    Map<String, Object> head = jdbc.queryForMap(
        "SELECT LAST_SEQ, LAST_HASH FROM SWITCHMAN_JOURNAL_HEAD WHERE ID = 1");
    long headSeq = ((Number) head.get("LAST_SEQ")).longValue();
    String headHash = ((String) head.get("LAST_HASH")).trim();
    List<JournalEntry> all = jdbc.query("SELECT " + COLUMNS + " FROM SWITCHMAN_JOURNAL ORDER BY SEQ", ROW);
    return JournalChain.verify(all.iterator(), headSeq, headHash);
  }

  @Override
  public JournalVerification verifyRun(String runId) {
    return JournalChain.verifyRun(entriesOfRun(runId), seq -> jdbc.query(
        "SELECT HASH FROM SWITCHMAN_JOURNAL WHERE SEQ = ?",
        rs -> rs.next() ? rs.getString(1).trim() : null, seq));
  }

  private static JournalEntry.Draft cap(JournalEntry.Draft d) {
    String output = d.output();
    if (output != null && output.length() > MAX_OUTPUT) {
      int keep = MAX_OUTPUT - 64;
      output = output.substring(0, keep) + "\n… [" + (output.length() - keep) + " more characters cut]";
    }
    return new JournalEntry.Draft(d.runId(), d.step(), d.actor(), d.mode(), d.kind(), d.target(),
        d.action(), d.outcome(), output, d.durationMillis(), d.hostKeyFingerprint());
  }

  private static final RowMapper<JournalEntry> ROW = JdbcJournal::entry;

  private static JournalEntry entry(ResultSet rs, int row) throws SQLException {
    Instant at = JournalChain.instantOfMicros(rs.getLong("AT_MICROS"));
    long duration = rs.getLong("DURATION_MS");
    Long durationMillis = rs.wasNull() ? null : duration;
    return new JournalEntry(rs.getLong("SEQ"), at, rs.getString("RUN_ID"), rs.getString("STEP"),
        rs.getString("ACTOR"), rs.getString("MODE"), rs.getString("KIND"), rs.getString("TARGET"),
        rs.getString("ACTION"), rs.getString("OUTCOME"), rs.getString("OUTPUT"), durationMillis,
        rs.getString("HOST_KEY"), rs.getString("PREV_HASH").trim(), rs.getString("HASH").trim());
  }
}
