package org.switchman.audit;

import java.time.Instant;

/**
 * One line of the ops log (production's Server Admin Log): who did what to which run, and why.
 *
 * @param at when it happened
 * @param kind what happened
 * @param runbook the process key, e.g. {@code dc-switchover}
 * @param runId the run (root process instance) id
 * @param user the user the line is about: the starter, or whoever decided
 * @param reason the run's reason, as given at start
 * @param ticket the run's ticket
 * @param detail the phase, decision or outcome, in words
 */
public record OpsEvent(
    Instant at,
    Kind kind,
    String runbook,
    String runId,
    String user,
    String reason,
    String ticket,
    String detail) {

  /** What an ops log line reports. */
  public enum Kind {
    RUN_STARTED,
    PHASE_STARTED,
    PHASE_ENDED,
    DECISION,
    REMINDER,
    ESCALATION,
    RUN_ENDED,
    /**
     * The journal's head at a run's end ({@link JournalHead}), so a copy exists outside the
     * database.
     */
    JOURNAL_HEAD,
    /** An address made too many failed logins; concerns no run (runbook and run are null). */
    LOGIN_THROTTLED,
    /** An administrator undid a login lockout; concerns no run. */
    LOGIN_UNLOCKED
  }

  /**
   * Every text field is reduced to one line of printable text ({@link PlainText#singleLine}), so a
   * reason, ticket or comment can neither start a forged line nor send terminal escapes.
   */
  public OpsEvent {
    runbook = PlainText.singleLine(runbook);
    runId = PlainText.singleLine(runId);
    user = PlainText.singleLine(user);
    reason = PlainText.singleLine(reason);
    ticket = PlainText.singleLine(ticket);
    detail = PlainText.singleLine(detail);
  }

  /**
   * The line that will publish the journal's head at the end of a run: recorded with the run's end,
   * its detail is filled in by the ops log when it writes the line, once the run's last entries are
   * chained.
   */
  public static OpsEvent journalHeadToCome(Instant at, String runbook, String runId) {
    return new OpsEvent(at, Kind.JOURNAL_HEAD, runbook, runId, null, null, null, null);
  }

  /** The line that publishes the journal's head at the end of a run. */
  public static OpsEvent journalHead(Instant at, String runbook, String runId, JournalHead head) {
    return new OpsEvent(at, Kind.JOURNAL_HEAD, runbook, runId, null, null, null, head.toString());
  }

  /** The line as it is written to the log file, SAL style. */
  public String line() {
    StringBuilder text =
        new StringBuilder()
            .append(at)
            .append(' ')
            .append(user == null ? "system" : user)
            .append(": ");
    if (runbook != null) {
      text.append(runbook).append(' ');
    }
    if (runId != null) {
      text.append(runId).append(' ');
    }
    text.append(kind.name().toLowerCase().replace('_', ' '));
    if (detail != null && !detail.isBlank()) {
      text.append(": ").append(detail);
    }
    if (ticket != null || reason != null) {
      text.append(" (")
          .append(ticket == null ? "no ticket" : ticket)
          .append(reason == null ? "" : ": " + reason)
          .append(')');
    }
    return text.toString();
  }
}
