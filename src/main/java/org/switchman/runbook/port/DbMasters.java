package org.switchman.runbook.port;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;

/**
 * The MariaDB masters, one per section and DC (s1–s8, x1, es4, es5 by default).
 *
 * <p>Catch-up is checked as production checks it, with pt-heartbeat rows: after the old DC's master
 * went read-only, read the newest heartbeat that the old DC wrote for the section on the old
 * master; the new DC's master has caught up when it holds a heartbeat of the old DC for that
 * section that is <em>strictly newer</em>. pt-heartbeat keeps writing through read-only, so a newer
 * row proves that everything written before read-only has been replicated.
 */
public interface DbMasters {

  /** Replication as the given master sees it (SHOW SLAVE STATUS / SHOW REPLICA STATUS). */
  record ReplicationStatus(
      String section,
      String dc,
      boolean ioRunning,
      boolean sqlRunning,
      Long secondsBehind,
      String lastError) {
    public boolean healthy() {
      return ioRunning && sqlRunning && (lastError == null || lastError.isBlank());
    }
  }

  boolean isReadOnly(String section, String dc);

  /**
   * Sets {@code read_only} on the master of a section in a DC, then reads it back.
   *
   * @throws org.switchman.runbook.CheckFailedException when the value did not stick
   */
  MutationOutcome setReadOnly(RunContext run, String section, String dc, boolean readOnly);

  /** {@code @@gtid_binlog_pos} of the master. */
  String gtidPosition(String section, String dc);

  /**
   * The newest heartbeat written by the master of {@code writtenByDc} for the section, as stored on
   * the master of {@code readOnDc}; empty when there is none.
   */
  Optional<Instant> newestHeartbeat(String section, String readOnDc, String writtenByDc);

  ReplicationStatus replication(String section, String dc);

  /** Whether {@link #newestEdit} can tell; false where no query for it is configured. */
  boolean readsEdits();

  /**
   * When the newest MediaWiki edit that the master of the section in {@code dc} holds was written;
   * empty when it holds none, or when {@link #readsEdits} is false.
   */
  Optional<Instant> newestEdit(String section, String dc);

  /**
   * Waits until the master of {@code toDc} has caught up with the master of {@code fromDc} by the
   * heartbeat rule, checking up to {@code attempts} times, {@code interval} apart.
   *
   * @return the heartbeat that proved it
   * @throws org.switchman.runbook.CheckFailedException naming the section, the reference heartbeat
   *     and the newest one seen, when it has not caught up after the last attempt
   * @throws StepInterruptedException when the thread is interrupted while it waits (the interrupt
   *     flag stays set); an interruption never reads as "has not caught up"
   */
  Instant awaitCaughtUp(
      String section, String fromDc, String toDc, int attempts, Duration interval);
}
