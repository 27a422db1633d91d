package org.switchman.audit;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a journal entry records, for every entry that is not a change to the site. A change's kind
 * is its mutation kind ({@code SSH_COMMAND}, {@code ETCD_WRITE}, {@code DNS_UPDATE}, {@code SQL}),
 * written by the one choke point for changes. The writers make their entries with {@link
 * #entry(JournalEntry.Origin, String, String, String, String)}, and the readers ask {@link
 * JournalEntry#is(JournalKind)}, so that both use the same words.
 */
public enum JournalKind {
  /** A GO or NOGO at an approval gate. */
  APPROVAL,
  /** An approval or decision that four-eyes refused. */
  REFUSAL,
  /** An approval that was not given in time, treated as NOGO. */
  EXPIRY,
  /** An operator's decision after a failed step: retry, skip or abort. */
  DECISION,
  /** A manual step ticked done on a checklist, or the steps left waived with a reason. */
  CHECKLIST,
  /** A runbook lock acquired, released, taken again, lost or force-released. */
  LOCK,
  /** A step's job released from a node that stopped or went silent, to run on another. */
  FAILOVER,
  /** A deployment of diagrams and forms, kept or refused. */
  DEPLOYMENT,
  /** An overrun that was escalated: the read-only budget, a decision waiting in the window. */
  ESCALATION,
  /** The check of the site's state at the end of a switchover. */
  INVARIANTS,
  /** A problem a step tolerated, kept for the auditors. */
  WARNING,
  /** An action taken through the engine's admin interfaces (Cockpit, Admin, REST). */
  ADMIN,
  /** An administrator's unlock of a user's logins. */
  LOGIN,
  /** The seal between the entries written without the journal key and those written with it. */
  CHAIN;

  /** The kind of that name; empty for a change's kind (a mutation kind) and unknown words. */
  public static Optional<JournalKind> of(String name) {
    return Arrays.stream(values()).filter(kind -> kind.name().equals(name)).findFirst();
  }

  /**
   * An entry of this kind: no duration, host key or idempotency key, which belong to changes.
   *
   * @param origin the run, step, actor and mode it belongs to
   * @param target what it concerns: a run, a section, a lock, a deployment
   * @param action what was done or asked
   * @param outcome how it ended, in upper case ({@code GO}, {@code EXCEEDED}, …)
   * @param output details, or {@code null}
   */
  public JournalEntry.Draft entry(
      JournalEntry.Origin origin, String target, String action, String outcome, String output) {
    return new JournalEntry.Draft(
        origin.runId(),
        origin.step(),
        origin.actor(),
        origin.mode(),
        name(),
        target,
        action,
        outcome,
        output,
        null,
        null);
  }
}
