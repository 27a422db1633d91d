package org.switchman.audit.report;

import java.time.Instant;

/**
 * An operator's decision after a failed step.
 *
 * @param step the decision task's activity id
 * @param target what failed: the section, or the task
 * @param user who decided
 * @param at when
 * @param decision {@code RETRY}, {@code SKIP} or {@code ABORT}
 * @param question the failure the operator decided on
 * @param justification why, required for skip and abort
 * @param journalSeq the journal entry that records it
 */
public record OperatorDecision(
    String step,
    String target,
    String user,
    Instant at,
    String decision,
    String question,
    String justification,
    long journalSeq) {}
