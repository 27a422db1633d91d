package org.switchman.infra.journal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalChain;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalHead;
import org.switchman.audit.JournalKind;
import org.switchman.audit.JournalVerification;

/**
 * The journal in two tables of the engine's database: {@code SWITCHMAN_JOURNAL} (the entries) and
 * {@code SWITCHMAN_JOURNAL_HEAD} (one row: the last seq and hash). An append locks the head row
 * ({@code SELECT … FOR UPDATE}), so appends from all threads and all cluster nodes form one chain.
 * This class has no update or delete statement for entries.
 *
 * <p>Appends from this JVM's threads share commits: while one thread's transaction appends, the
 * entries that other threads bring meanwhile wait, and the next thread to go appends all of them in
 * one transaction (at most {@value #MAX_GROUP} entries each); the others return as soon as their
 * group has been committed. Each {@link #append} still returns only once its entry is committed,
 * and fails when its group's transaction failed. Where appends come from many threads at once (the
 * hosts of a batch, the sections of a lockdown), one commit costs the database nearly as much as
 * one entry: the entries of a group go to the same pages.
 *
 * <p>Every field is cut to its column's size before it is hashed and stored, with a visible {@code
 * …[truncated N chars]} marker, so an oversized value never makes an append fail.
 *
 * <p>The whole-chain check reads the entries in batches of {@value #BATCH} (never the whole journal
 * at once) and remembers how far the chain was found intact: the next check reads only the entries
 * written since. A check reads the chain from its first entry again when asked to ({@code
 * verify(true)}), when the last full pass is older than the full-check interval, and after any
 * broken result, so an edit of an entry that was already checked is found at the latest then.
 */
public class JdbcJournal implements Journal {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcJournal.class);

  /** Longest output kept per entry (the column's size); the rest is cut with a marker. */
  public static final int MAX_OUTPUT = 65_535;

  /** Longest idempotency key kept (the column's size). */
  static final int MAX_IDEMPOTENCY_KEY = 1024;

  /**
   * The columns of an entry as it is drafted, with the sizes {@link #cap} keeps to: shared by the
   * journal and its outbox, which holds drafts until they are chained.
   */
  static final String DRAFT_COLUMNS =
      " RUN_ID VARCHAR(64) NOT NULL,"
          + " STEP VARCHAR(255) NOT NULL,"
          + " ACTOR VARCHAR(128) NOT NULL,"
          + " MODE VARCHAR(16) NOT NULL,"
          + " KIND VARCHAR(32) NOT NULL,"
          + " TARGET VARCHAR(1024) NOT NULL,"
          + " ACTION VARCHAR(8192) NOT NULL,"
          + " OUTCOME VARCHAR(32) NOT NULL,"
          + " OUTPUT VARCHAR(65535),"
          + " DURATION_MS BIGINT,"
          + " HOST_KEY VARCHAR(256),";

  /** Entries read per query by the whole-chain check. */
  static final int BATCH = 500;

  /** Most entries appended in one transaction by {@link #append}. */
  static final int MAX_GROUP = 100;

  private static final String COLUMNS =
      "SEQ, AT_MICROS, RUN_ID, STEP, ACTOR, MODE, KIND, TARGET,"
          + " ACTION, OUTCOME, OUTPUT, DURATION_MS, HOST_KEY, PREV_HASH, HASH, SCHEME, IDEMPOTENCY_KEY";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate ownTransaction;
  private final JournalChain chain;
  private final Duration fullCheckInterval;
  private final Clock clock;

  /** Entries waiting to be appended, oldest first, and the turn to append them. */
  private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();

  /** Held by the thread that appends the waiting entries. */
  private final ReentrantLock appending = new ReentrantLock();

  /** Notified when a group has been appended and when the appending thread lets go. */
  private final Object turnOver = new Object();

  /**
   * One caller's entry until its group has been appended. The appender sets {@code stored} or
   * {@code failure} before {@code done}, which publishes them to the caller.
   */
  private static final class Waiting {
    final JournalEntry.Draft draft;
    volatile boolean done;
    JournalEntry stored;
    RuntimeException failure;

    Waiting(JournalEntry.Draft draft) {
      this.draft = draft;
    }
  }

  /** How far the chain was last found intact, and when it was last read from its first entry. */
  private JournalChain.Checkpoint verified;

  private Instant lastFullCheck;

  /** {@code sealUnkeyedThrough} for a lab: seal whatever unkeyed entries a lab journal holds. */
  public static final long SEAL_ANY = -1;

  /**
   * @param chain the chain rules under the journal key
   * @param sealUnkeyedThrough the last entry of a journal written before it had a key, which the
   *     operator has checked and accepts: when the journal ends there and holds no keyed entry, a
   *     keyed seal is appended after it (see {@link JournalChain}); {@code null} never seals, and
   *     unkeyed entries are then reported as broken; {@link #SEAL_ANY} seals whatever unkeyed
   *     prefix there is (the lab)
   * @param fullCheckInterval how long a whole-chain check may resume from the last one before it
   *     reads the chain from its first entry again
   */
  public JdbcJournal(
      JdbcTemplate jdbc,
      PlatformTransactionManager transactions,
      JournalChain chain,
      Long sealUnkeyedThrough,
      Duration fullCheckInterval,
      Clock clock) {
    this.jdbc = jdbc;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.chain = chain;
    this.fullCheckInterval = fullCheckInterval;
    this.clock = clock;
    createSchema();
    if (sealUnkeyedThrough != null) {
      sealUnkeyedEntries(sealUnkeyedThrough);
    }
    if (hasUnsealedEntries()) {
      LOG.warn(
          "The journal holds entries written without the journal key; the journal check"
              + " reports them as broken until they are sealed: check them, then start once with"
              + " switchman.journal.seal-unkeyed-through set to the last of them");
    }
  }

  private void createSchema() {
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS SWITCHMAN_JOURNAL ("
            + " SEQ BIGINT NOT NULL PRIMARY KEY,"
            + " AT_MICROS BIGINT NOT NULL,"
            + DRAFT_COLUMNS
            + " PREV_HASH CHAR(64) NOT NULL,"
            + " HASH CHAR(64) NOT NULL,"
            + " SCHEME VARCHAR(16),"
            + " IDEMPOTENCY_KEY VARCHAR("
            + MAX_IDEMPOTENCY_KEY
            + "))");
    // journals created before entries were keyed have no SCHEME column: their rows are unkeyed
    jdbc.execute("ALTER TABLE SWITCHMAN_JOURNAL ADD COLUMN IF NOT EXISTS SCHEME VARCHAR(16)");
    // nor, before mutations carried one, an idempotency key: their rows hash without it
    jdbc.execute(
        "ALTER TABLE SWITCHMAN_JOURNAL ADD COLUMN IF NOT EXISTS IDEMPOTENCY_KEY VARCHAR("
            + MAX_IDEMPOTENCY_KEY
            + ")");
    jdbc.execute(
        "CREATE INDEX IF NOT EXISTS SWITCHMAN_JOURNAL_STEP ON SWITCHMAN_JOURNAL (RUN_ID, STEP, SEQ)");
    jdbc.execute(
        "CREATE INDEX IF NOT EXISTS SWITCHMAN_JOURNAL_RUN ON SWITCHMAN_JOURNAL (RUN_ID, SEQ)");
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS SWITCHMAN_JOURNAL_HEAD ("
            + " ID INT NOT NULL PRIMARY KEY, LAST_SEQ BIGINT NOT NULL, LAST_HASH CHAR(64) NOT NULL)");
    if (jdbc.queryForObject("SELECT COUNT(*) FROM SWITCHMAN_JOURNAL_HEAD", Long.class) == 0) {
      try {
        jdbc.update(
            "INSERT INTO SWITCHMAN_JOURNAL_HEAD (ID, LAST_SEQ, LAST_HASH) VALUES (1, 0, ?)",
            JournalChain.GENESIS);
      } catch (DuplicateKeyException anotherNodeWasFaster) {
        // the head exists: that is all we wanted
      }
    }
  }

  /** Unkeyed entries with no keyed entry after them. */
  private boolean hasUnsealedEntries() {
    return jdbc.queryForObject(
            "SELECT COUNT(*) FROM SWITCHMAN_JOURNAL WHERE (SCHEME IS NULL"
                + " OR SCHEME <> ?) AND SEQ > (SELECT COALESCE(MAX(SEQ), 0) FROM SWITCHMAN_JOURNAL"
                + " WHERE SCHEME = ?)",
            Long.class,
            JournalChain.KEYED,
            JournalChain.KEYED)
        > 0;
  }

  /**
   * Appends the keyed seal after the unkeyed entries of a journal that has never held a keyed entry
   * (a journal written before it had a key), when it ends at the entry the operator named. A
   * journal that already holds keyed entries is never sealed again, so rows downgraded to unkeyed
   * later stay broken.
   */
  private void sealUnkeyedEntries(long through) {
    ownTransaction.executeWithoutResult(
        status -> {
          JournalHead head = lockHead();
          long keyed =
              jdbc.queryForObject(
                  "SELECT COUNT(*) FROM SWITCHMAN_JOURNAL WHERE SCHEME = ?",
                  Long.class,
                  JournalChain.KEYED);
          if (head.seq() == 0 || keyed > 0 || (through != SEAL_ANY && through != head.seq())) {
            if (keyed == 0 && head.seq() > 0) {
              LOG.warn(
                  "Not sealing the unkeyed journal: it ends at entry {}, not at entry {}"
                      + " (switchman.journal.seal-unkeyed-through)",
                  head.seq(),
                  through);
            }
            return;
          }
          insert(head, JournalChain.sealDraft(head.seq()));
          LOG.warn(
              "The journal's entries 1 to {} were written without the journal key; they are"
                  + " sealed by the keyed entry {}",
              head.seq(),
              head.seq() + 1);
        });
  }

  /** The outcome of the keyed entry that records a pruning ({@link #pruneBefore}). */
  public static final String PRUNED_OUTCOME = "PRUNED";

  private static final java.util.regex.Pattern PRUNED_THROUGH =
      java.util.regex.Pattern.compile("through=(\\d+) hash=([0-9a-f]{64})");

  /**
   * Deletes the entries written before {@code before}, never the newest, and records the pruning as
   * a keyed {@code CHAIN} entry ({@value #PRUNED_OUTCOME}, output {@code through=N hash=H}): the
   * last entry deleted and its hash, from which the chain is checked afterwards. The record is part
   * of the chain, so that nobody without the key can delete entries and claim a pruning; the first
   * stored entry must follow the newest such record's {@code through}, or the chain is broken.
   * Serialized with every append by the journal's head.
   *
   * @return how many entries were deleted
   */
  public long pruneBefore(Instant before) {
    Long deleted =
        ownTransaction.execute(
            status -> {
              JournalHead head = lockHead();
              Long through =
                  jdbc.queryForObject(
                      "SELECT MAX(SEQ) FROM SWITCHMAN_JOURNAL WHERE AT_MICROS < ? AND SEQ < ?",
                      Long.class,
                      JournalChain.micros(before),
                      head.seq());
              if (through == null) {
                return 0L;
              }
              String hash =
                  jdbc.queryForObject(
                          "SELECT HASH FROM SWITCHMAN_JOURNAL WHERE SEQ = ?", String.class, through)
                      .trim();
              long count = jdbc.update("DELETE FROM SWITCHMAN_JOURNAL WHERE SEQ <= ?", through);
              insert(
                  head,
                  cap(
                      org.switchman.audit.JournalKind.CHAIN.entry(
                          new JournalEntry.Origin(
                              JournalEntry.SYSTEM, "retention", JournalEntry.SYSTEM, "live"),
                          "journal",
                          "prune the entries written before " + before,
                          PRUNED_OUTCOME,
                          "through=" + through + " hash=" + hash)));
              return count;
            });
    if (deleted != null && deleted > 0) {
      synchronized (this) {
        verified = null;
        lastFullCheck = null;
      }
      LOG.info("Journal: {} entries written before {} pruned", deleted, before);
    }
    return deleted == null ? 0 : deleted;
  }

  /**
   * Where the stored chain starts: {@link JournalChain.Checkpoint#START}, or after a pruning the
   * last entry deleted, as the newest pruning record written with the key says (the record is
   * checked with the rest of the chain). Entries missing after that point are reported as missing.
   */
  private JournalChain.Checkpoint storedStart() {
    Long first = jdbc.queryForObject("SELECT MIN(SEQ) FROM SWITCHMAN_JOURNAL", Long.class);
    if (first == null || first <= 1) {
      return JournalChain.Checkpoint.START;
    }
    for (JournalEntry record :
        jdbc.query(
            "SELECT "
                + COLUMNS
                + " FROM SWITCHMAN_JOURNAL WHERE KIND = ? AND OUTCOME = ? ORDER BY SEQ DESC",
            ROW,
            org.switchman.audit.JournalKind.CHAIN.name(),
            PRUNED_OUTCOME)) {
      // only a record written with the key counts (a run's check reads no more of the chain)
      java.util.regex.Matcher through =
          PRUNED_THROUGH.matcher(record.output() == null ? "" : record.output());
      if (JournalChain.KEYED.equals(record.scheme())
          && record.hash().equals(chain.expectedHash(record))
          && through.find()) {
        return new JournalChain.Checkpoint(
            Long.parseLong(through.group(1)), through.group(2), null);
      }
    }
    // no record accounts for the missing start: checked from the first entry, found missing
    return JournalChain.Checkpoint.START;
  }

  @Override
  public JournalEntry append(JournalEntry.Draft draft) {
    // capped here, so that a draft that cannot be capped fails its own caller only
    Waiting mine = new Waiting(cap(draft));
    // appended with the flag clear, as the connection pool refuses an interrupted thread and the
    // group would fail with it; the flag is given back at the end
    boolean interrupted = Thread.interrupted();
    waiting.add(mine);
    while (!mine.done) {
      if (appending.tryLock()) {
        try {
          while (!mine.done) {
            appendGroup();
          }
        } finally {
          // left by an Error in an earlier group: nobody may append it after its caller failed
          if (!mine.done && waiting.remove(mine)) {
            mine.done = true;
          }
          appending.unlock();
          synchronized (turnOver) {
            turnOver.notifyAll();
          }
        }
      } else {
        interrupted |= awaitGroupOrTurn(mine);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (mine.stored == null) {
      // the group's appender met an Error, which it throws itself
      throw mine.failure != null
          ? mine.failure
          : new IllegalStateException("the journal's append of this entry failed");
    }
    return mine.stored;
  }

  /**
   * Waits until the entry's group has been appended or nobody appends: the entry is in the queue,
   * so whoever appends next takes it, or this thread does. An interrupt does not abandon the entry,
   * which some appender may be writing already.
   *
   * @return whether the thread was interrupted meanwhile
   */
  private boolean awaitGroupOrTurn(Waiting mine) {
    boolean interrupted = false;
    synchronized (turnOver) {
      while (!mine.done && appending.isLocked()) {
        try {
          turnOver.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    return interrupted;
  }

  /** How many entries wait for their group's transaction, for tests. */
  int waitingEntries() {
    return waiting.size();
  }

  /**
   * Appends the oldest waiting entries in one transaction. When the database refuses an entry's
   * data inside it (the transaction is rolled back, nothing of it stored), each entry of the group
   * is appended again alone, so that the refused entry fails its own caller only. Any other failure
   * fails every entry of the group: a lock or a connection that failed one would fail the next, and
   * a commit that failed in its answer may have stored them, and entries are never appended twice.
   */
  private void appendGroup() {
    List<Waiting> group = new ArrayList<>(MAX_GROUP);
    try {
      for (Waiting next; group.size() < MAX_GROUP && (next = waiting.poll()) != null; ) {
        group.add(next);
      }
      if (group.isEmpty()) {
        throw new IllegalStateException("no journal entry waits, though one was not appended");
      }
      boolean[] rolledBack = {false};
      try {
        List<JournalEntry> stored =
            ownTransaction.execute(
                status -> {
                  try {
                    return appendAll(group.stream().map(entry -> entry.draft).toList(), i -> true);
                  } catch (RuntimeException e) {
                    rolledBack[0] = true;
                    throw e;
                  }
                });
        for (int i = 0; i < group.size(); i++) {
          group.get(i).stored = stored.get(i);
        }
      } catch (RuntimeException e) {
        if (!rolledBack[0]
            || group.size() == 1
            || !(e instanceof DataIntegrityViolationException)) {
          group.forEach(entry -> entry.failure = e);
        } else {
          for (Waiting entry : group) {
            try {
              entry.stored =
                  ownTransaction
                      .execute(status -> appendAll(List.of(entry.draft), i -> true))
                      .get(0);
            } catch (RuntimeException alone) {
              entry.failure = alone;
            }
          }
        }
      }
    } finally {
      group.forEach(entry -> entry.done = true);
      synchronized (turnOver) {
        turnOver.notifyAll();
      }
    }
  }

  /**
   * Appends entries in order, in one transaction of its own, each only if its {@code claim}, run
   * there once the head row is locked, says it is still due: the outbox removes its rows in the
   * same transaction, so an entry is chained exactly once however many deliverers (threads, nodes)
   * try it, and the entries of one call are chained all or none, with one commit.
   *
   * @param claim whether the entry at that index is still due
   * @return the stored entries, without those whose claim found them delivered already
   */
  List<JournalEntry> appendAllClaimed(List<JournalEntry.Draft> drafts, IntPredicate claim) {
    List<JournalEntry.Draft> capped = drafts.stream().map(JdbcJournal::cap).toList();
    return ownTransaction.execute(status -> appendAll(capped, claim));
  }

  /** {@link #appendAllClaimed} of drafts already capped, inside the caller's transaction. */
  private List<JournalEntry> appendAll(List<JournalEntry.Draft> capped, IntPredicate claim) {
    JournalHead head = lockHead();
    List<JournalEntry> stored = new ArrayList<>();
    for (int i = 0; i < capped.size(); i++) {
      if (claim.test(i)) {
        JournalEntry entry = insert(head, capped.get(i));
        stored.add(entry);
        head = new JournalHead(entry.seq(), entry.hash());
      }
    }
    return stored;
  }

  private JournalHead lockHead() {
    Map<String, Object> head =
        jdbc.queryForMap(
            "SELECT LAST_SEQ, LAST_HASH FROM SWITCHMAN_JOURNAL_HEAD WHERE ID = 1 FOR UPDATE");
    return new JournalHead(
        ((Number) head.get("LAST_SEQ")).longValue(), ((String) head.get("LAST_HASH")).trim());
  }

  private JournalEntry insert(JournalHead head, JournalEntry.Draft d) {
    long seq = head.seq() + 1;
    Instant at = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
    long atMicros = JournalChain.micros(at);
    String hash = chain.hashOf(seq, atMicros, d, head.hash());
    jdbc.update(
        "INSERT INTO SWITCHMAN_JOURNAL ("
            + COLUMNS
            + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        seq,
        atMicros,
        d.runId(),
        d.step(),
        d.actor(),
        d.mode(),
        d.kind(),
        d.target(),
        d.action(),
        d.outcome(),
        d.output(),
        d.durationMillis(),
        d.hostKeyFingerprint(),
        head.hash(),
        hash,
        JournalChain.KEYED,
        d.idempotencyKey());
    jdbc.update(
        "UPDATE SWITCHMAN_JOURNAL_HEAD SET LAST_SEQ = ?, LAST_HASH = ? WHERE ID = 1", seq, hash);
    return new JournalEntry(
        seq,
        at,
        d.runId(),
        d.step(),
        d.actor(),
        d.mode(),
        d.kind(),
        d.target(),
        d.action(),
        d.outcome(),
        d.output(),
        d.durationMillis(),
        d.hostKeyFingerprint(),
        head.hash(),
        hash,
        JournalChain.KEYED,
        d.idempotencyKey());
  }

  @Override
  public List<JournalEntry> entriesOfRun(String runId) {
    return jdbc.query(
        "SELECT " + COLUMNS + " FROM SWITCHMAN_JOURNAL WHERE RUN_ID = ? ORDER BY SEQ", ROW, runId);
  }

  @Override
  public List<JournalEntry> entriesOfStep(String runId, String step) {
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM SWITCHMAN_JOURNAL WHERE RUN_ID = ? AND STEP = ?"
            + " ORDER BY SEQ",
        ROW,
        runId,
        step);
  }

  @Override
  public Optional<JournalEntry> entry(long seq) {
    return jdbc
        .query("SELECT " + COLUMNS + " FROM SWITCHMAN_JOURNAL WHERE SEQ = ?", ROW, seq)
        .stream()
        .findFirst();
  }

  /** Read in a transaction of its own: callers include after-commit hooks of the engine. */
  @Override
  public JournalHead head() {
    return ownTransaction.execute(
        status -> {
          Map<String, Object> head =
              jdbc.queryForMap(
                  "SELECT LAST_SEQ, LAST_HASH FROM SWITCHMAN_JOURNAL_HEAD WHERE ID = 1");
          return new JournalHead(
              ((Number) head.get("LAST_SEQ")).longValue(), ((String) head.get("LAST_HASH")).trim());
        });
  }

  /**
   * Checks are serialized: callers that arrive during a check wait for it and then resume from
   * where it ended, so many simultaneous requests cost one pass over the new entries.
   */
  @Override
  public synchronized JournalVerification verify(boolean full) {
    Instant now = clock.instant();
    boolean resume =
        !full
            && verified != null
            && lastFullCheck != null
            && lastFullCheck.plus(fullCheckInterval).isAfter(now);
    JournalHead head = head();
    JournalChain.Checkpoint start = storedStart();
    JournalChain.Checkpoint from =
        resume && verified.seq() <= head.seq() && verified.seq() >= start.seq() ? verified : start;
    JournalChain.Pass pass = chain.pass(from);
    long after = from.seq();
    while (after < head.seq()) {
      List<JournalEntry> batch =
          jdbc.query(
              "SELECT "
                  + COLUMNS
                  + " FROM SWITCHMAN_JOURNAL"
                  + " WHERE SEQ > ? AND SEQ <= ? ORDER BY SEQ FETCH FIRST "
                  + BATCH
                  + " ROWS ONLY",
              ROW,
              after,
              head.seq());
      boolean going = true;
      for (JournalEntry entry : batch) {
        going = pass.accept(entry);
        if (!going) {
          break;
        }
      }
      if (!going || batch.size() < BATCH) {
        break;
      }
      after = batch.get(batch.size() - 1).seq();
    }
    JournalVerification result = pass.finish(head);
    if (result.intact()) {
      verified = pass.checkpoint();
      if (from == start) {
        lastFullCheck = now;
      }
    } else {
      verified = null;
      lastFullCheck = null;
    }
    return from == start ? result : result.resumed();
  }

  @Override
  public JournalVerification verifyRun(String runId) {
    JournalEntry seal =
        jdbc
            .query(
                "SELECT "
                    + COLUMNS
                    + " FROM SWITCHMAN_JOURNAL WHERE KIND = ?"
                    + " AND OUTCOME = ? AND SCHEME = ? ORDER BY SEQ FETCH FIRST 1 ROWS ONLY",
                ROW,
                JournalKind.CHAIN.name(),
                JournalChain.SEAL_OUTCOME,
                JournalChain.KEYED)
            .stream()
            .findFirst()
            .orElse(null);
    JournalChain.Checkpoint start = storedStart();
    return chain.verifyRun(
        entriesOfRun(runId),
        seq ->
            seq == start.seq() && seq > 0
                ? start.hash()
                : jdbc.query(
                    "SELECT HASH FROM SWITCHMAN_JOURNAL WHERE SEQ = ?",
                    rs -> rs.next() ? rs.getString(1).trim() : null,
                    seq),
        seal);
  }

  /** Every field cut to its column's size; a missing required value is stored empty. */
  static JournalEntry.Draft cap(JournalEntry.Draft d) {
    return new JournalEntry.Draft(
        required(d.runId(), 64),
        required(d.step(), 255),
        required(d.actor(), 128),
        required(d.mode(), 16),
        required(d.kind(), 32),
        required(d.target(), 1024),
        required(d.action(), 8192),
        required(d.outcome(), 32),
        cap(d.output(), MAX_OUTPUT),
        d.durationMillis(),
        cap(d.hostKeyFingerprint(), 256),
        cap(d.idempotencyKey(), MAX_IDEMPOTENCY_KEY));
  }

  private static String required(String value, int max) {
    return value == null ? "" : cap(value, max);
  }

  /**
   * The value if it fits, else its start and a marker saying how much was cut: {@code …[truncated N
   * chars]}, or {@code …[+N]} where the column is too narrow for the long marker. The result has at
   * most {@code max} characters and never splits a surrogate pair.
   */
  static String cap(String value, int max) {
    if (value == null || value.length() <= max) {
      return value;
    }
    int keep = max;
    while (true) {
      if (keep > 0 && Character.isHighSurrogate(value.charAt(keep - 1))) {
        keep--;
      }
      int cut = value.length() - keep;
      String marker = max >= 64 ? "…[truncated " + cut + " chars]" : "…[+" + cut + "]";
      if (keep + marker.length() <= max) {
        return value.substring(0, keep) + marker;
      }
      if (keep == 0) {
        return marker.substring(0, max);
      }
      keep = Math.max(0, max - marker.length());
    }
  }

  private static final RowMapper<JournalEntry> ROW = JdbcJournal::entry;

  private static JournalEntry entry(ResultSet rs, int row) throws SQLException {
    Instant at = JournalChain.instantOfMicros(rs.getLong("AT_MICROS"));
    long duration = rs.getLong("DURATION_MS");
    Long durationMillis = rs.wasNull() ? null : duration;
    String scheme = rs.getString("SCHEME");
    return new JournalEntry(
        rs.getLong("SEQ"),
        at,
        rs.getString("RUN_ID"),
        rs.getString("STEP"),
        rs.getString("ACTOR"),
        rs.getString("MODE"),
        rs.getString("KIND"),
        rs.getString("TARGET"),
        rs.getString("ACTION"),
        rs.getString("OUTCOME"),
        rs.getString("OUTPUT"),
        durationMillis,
        rs.getString("HOST_KEY"),
        rs.getString("PREV_HASH").trim(),
        rs.getString("HASH").trim(),
        scheme == null ? JournalChain.UNKEYED : scheme.trim(),
        rs.getString("IDEMPOTENCY_KEY"));
  }
}
