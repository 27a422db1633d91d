package org.switchman.audit;

import java.util.List;
import java.util.Optional;

/**
 * The append-only audit journal of every mutation, decision and refusal. Entries are chained by a
 * keyed hash: each stores the hash of the previous one, so an edited or deleted row breaks the
 * chain at that entry, and without the key nobody can recompute the hashes after an edit (see
 * {@link JournalChain}). There is deliberately no update or delete operation.
 */
public interface Journal {

  /**
   * Appends an entry in a transaction of its own, so that it survives a rollback of the caller's
   * transaction (a failed step still leaves its trail). Appends are serialized across threads and
   * cluster nodes. A value longer than the store keeps is cut with a visible marker before it is
   * hashed, so the append does not fail on size and the hash covers what is stored.
   *
   * @return the stored entry with its seq, time and hashes
   */
  JournalEntry append(JournalEntry.Draft draft);

  /** The entries of one run, in chain order. */
  List<JournalEntry> entriesOfRun(String runId);

  /** The entries one step of a run wrote (under that exact step name), in chain order. */
  default List<JournalEntry> entriesOfStep(String runId, String step) {
    return entriesOfRun(runId).stream().filter(e -> step.equals(e.step())).toList();
  }

  /** One entry by seq, as stored. */
  Optional<JournalEntry> entry(long seq);

  /** The last entry's seq and hash, as the journal's head records them. */
  JournalHead head();

  /**
   * Verifies the whole chain and reports the first broken entry, if any. A store may resume from
   * its last intact check and read only the entries written since (see {@link
   * JournalVerification#incremental()}); {@link #verify(boolean) verify(true)} always reads the
   * whole chain.
   */
  default JournalVerification verify() {
    return verify(false);
  }

  /**
   * Verifies the whole chain.
   *
   * @param full read every entry from the first, even when an earlier check could be resumed
   */
  JournalVerification verify(boolean full);

  /** Verifies the entries of one run: each entry's hash and its link to its predecessor. */
  JournalVerification verifyRun(String runId);
}
