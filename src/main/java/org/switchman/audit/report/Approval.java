package org.switchman.audit.report;

import java.time.Instant;

/**
 * What happened at an approval task: a decision, a refusal (four-eyes) or an expiry.
 *
 * @param step the task's activity id
 * @param task the task, in words
 * @param user who decided or was refused ({@code system} for an expiry)
 * @param at when
 * @param decision {@code GO}, {@code NOGO}, {@code REFUSED}, {@code EXPIRED}, …
 * @param comment the approver's comment, or the refusal's reason
 * @param journalSeq the journal entry that records it
 */
public record Approval(
    String step,
    String task,
    String user,
    Instant at,
    String decision,
    String comment,
    long journalSeq) {

  public boolean refused() {
    return "REFUSED".equals(decision);
  }
}
