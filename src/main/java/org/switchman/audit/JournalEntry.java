package org.switchman.audit;

import java.time.Instant;

/**
 * One entry of the append-only, hash-chained journal.
 *
 * @param seq position in the chain, 1, 2, 3, … without gaps
 * @param at when the entry was written (microsecond precision)
 * @param runId the run it belongs to
 * @param step the step (activity id) that wrote it
 * @param actor the user on whose behalf the step acted
 * @param mode the run's mode ({@code live}, {@code live-test}, {@code dry-run})
 * @param kind what happened: a mutation kind, {@code DECISION}, {@code REFUSAL}, …
 * @param target the host, key, record or server concerned
 * @param action the exact command or change, or the decision taken
 * @param outcome {@code INTENT} before a mutation; {@code PERFORMED}, {@code WOULD}, {@code
 *     REFUSED}, {@code FAILED} or {@code VERIFY_FAILED} after it; or the decision's outcome
 * @param output what the action printed or returned, capped
 * @param durationMillis how long the action took, or {@code null} before it
 * @param hostKeyFingerprint the SSH host key that answered, or {@code null}
 * @param previousHash the hash of entry {@code seq - 1} ({@link JournalChain#GENESIS} for the first)
 * @param hash this entry's hash over all the fields above
 * @param scheme how {@code hash} was computed: {@link JournalChain#KEYED} for every entry written
 *     now, {@link JournalChain#UNKEYED} for entries written before the journal had a key
 */
public record JournalEntry(long seq, Instant at, String runId, String step, String actor,
    String mode, String kind, String target, String action, String outcome, String output,
    Long durationMillis, String hostKeyFingerprint, String previousHash, String hash,
    String scheme) {

  /** An entry to append: the journal assigns seq, time and hashes. */
  public record Draft(String runId, String step, String actor, String mode, String kind,
      String target, String action, String outcome, String output, Long durationMillis,
      String hostKeyFingerprint) {}
}
