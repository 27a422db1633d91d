package org.switchman.audit;

import java.util.List;

/**
 * The append-only audit journal of every mutation, decision and refusal. Entries are hash-chained:
 * each stores the hash of the previous one, so an edited or deleted row breaks the chain at that
 * entry. There is deliberately no update or delete operation.
 */
public interface Journal {

  /**
   * Appends an entry in a transaction of its own, so that it survives a rollback of the caller's
   * transaction (a failed step still leaves its trail). Appends are serialized across threads and
   * cluster nodes.
   *
   * @return the stored entry with its seq, time and hashes
   */
  JournalEntry append(JournalEntry.Draft draft);

  /** The entries of one run, in chain order. */
  List<JournalEntry> entriesOfRun(String runId);

  /** Verifies the whole chain and reports the first broken entry, if any. */
  JournalVerification verify();

  /** Verifies the entries of one run: each entry's hash and its link to its predecessor. */
  JournalVerification verifyRun(String runId);
}
