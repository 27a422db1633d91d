package org.switchman.audit;

/**
 * Journal entries that describe a change of the engine's own state: an approval ({@code APPROVAL}),
 * an operator decision ({@code DECISION}), a run's lock taken or released ({@code LOCK}). Such an
 * entry must exist exactly when the change exists, so it is written in the transaction that makes
 * the change, into an outbox; once that transaction commits, the entry is chained into the {@link
 * Journal} at once, and if that fails (the journal's head is busy, the disk is full) or the process
 * dies first, by a deliverer that retries until it succeeds, also after a restart. A rolled-back
 * change leaves no entry.
 *
 * <p>Why an outbox and not an append inside the engine transaction: an append locks the journal's
 * head row, which serializes every append of every node, until its transaction ends; an engine
 * transaction that completes an approval goes on to run the steps up to the next wait state, and
 * every other run's steps would wait for it meanwhile. The outbox row locks nothing shared.
 *
 * <p>An entry is chained when it is delivered, so its time and seq are the delivery's: right after
 * the commit normally, later after a failure or a crash.
 */
public interface JournalOutbox {

  /**
   * Queues the entry in the caller's transaction (outside a transaction it is chained at once).
   * Never throws because the journal cannot be written now: the deliverer retries.
   */
  void append(JournalEntry.Draft draft);

  /**
   * Chains what waits now, on the caller's thread (before reading the journal's head at a run's
   * end, for example). Never throws.
   *
   * @return whether nothing is left waiting
   */
  boolean chainWaiting();
}
