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
 *     REFUSED}, {@code FAILED} or {@code VERIFY_FAILED} after it, {@code UNKNOWN} when it timed out
 *     and may or may not have taken effect, {@code RECONCILED} when a later read settled what an
 *     attempt left open; or the decision's outcome
 * @param output what the action printed or returned, capped
 * @param durationMillis how long the action took, or {@code null} before it
 * @param hostKeyFingerprint the SSH host key that answered, or {@code null}
 * @param previousHash the hash of entry {@code seq - 1} ({@link JournalChain#GENESIS} for the
 *     first)
 * @param hash this entry's hash over all the fields above
 * @param scheme how {@code hash} was computed: {@link JournalChain#KEYED} for every entry written
 *     now, {@link JournalChain#UNKEYED} for entries written before the journal had a key
 * @param idempotencyKey for the entries of a mutation ({@code INTENT} and its outcome, {@code
 *     UNKNOWN}, {@code RECONCILED}): the attempt they belong to (run, step instance, target, action
 *     and attempt number); {@code null} for other entries and for entries written before keys
 *     existed
 */
public record JournalEntry(
    long seq,
    Instant at,
    String runId,
    String step,
    String actor,
    String mode,
    String kind,
    String target,
    String action,
    String outcome,
    String output,
    Long durationMillis,
    String hostKeyFingerprint,
    String previousHash,
    String hash,
    String scheme,
    String idempotencyKey) {

  /** An entry without an idempotency key. */
  public JournalEntry(
      long seq,
      Instant at,
      String runId,
      String step,
      String actor,
      String mode,
      String kind,
      String target,
      String action,
      String outcome,
      String output,
      Long durationMillis,
      String hostKeyFingerprint,
      String previousHash,
      String hash,
      String scheme) {
    this(
        seq,
        at,
        runId,
        step,
        actor,
        mode,
        kind,
        target,
        action,
        outcome,
        output,
        durationMillis,
        hostKeyFingerprint,
        previousHash,
        hash,
        scheme,
        null);
  }

  /** Whether this entry is of that kind. */
  public boolean is(JournalKind kind) {
    return kind.name().equals(this.kind);
  }

  /**
   * Who wrote an entry, and where: the run (or {@value JournalEntry#SYSTEM} for what belongs to
   * none), its step, the user on whose behalf it acted (or {@value JournalEntry#SYSTEM} for what
   * the application did by itself) and the run's mode.
   */
  public record Origin(String runId, String step, String actor, String mode) {

    /** The same origin, acting for another user (or {@value JournalEntry#SYSTEM}). */
    public Origin as(String otherActor) {
      return new Origin(runId, step, otherActor, mode);
    }
  }

  /**
   * The run id of entries that belong to no run (deployments, the journal's seal), and the actor of
   * what the application does by itself (deploying the runbooks at start, an escalation).
   */
  public static final String SYSTEM = "system";

  /** An entry to append: the journal assigns seq, time and hashes. */
  public record Draft(
      String runId,
      String step,
      String actor,
      String mode,
      String kind,
      String target,
      String action,
      String outcome,
      String output,
      Long durationMillis,
      String hostKeyFingerprint,
      String idempotencyKey) {

    /** A draft without an idempotency key. */
    public Draft(
        String runId,
        String step,
        String actor,
        String mode,
        String kind,
        String target,
        String action,
        String outcome,
        String output,
        Long durationMillis,
        String hostKeyFingerprint) {
      this(
          runId,
          step,
          actor,
          mode,
          kind,
          target,
          action,
          outcome,
          output,
          durationMillis,
          hostKeyFingerprint,
          null);
    }

    /** The same entry with how long its action took. */
    public Draft withDurationMillis(Long millis) {
      return new Draft(
          runId,
          step,
          actor,
          mode,
          kind,
          target,
          action,
          outcome,
          output,
          millis,
          hostKeyFingerprint,
          idempotencyKey);
    }
  }
}
