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
public record OpsEvent(Instant at, Kind kind, String runbook, String runId, String user,
    String reason, String ticket, String detail) {

  /**
   * What an ops log line reports. The login kinds concern no run: their runbook and run are
   * {@code null}.
   */
  public enum Kind { RUN_STARTED, PHASE_STARTED, PHASE_ENDED, DECISION, REMINDER, ESCALATION, RUN_ENDED,
    LOGIN_THROTTLED, LOGIN_UNLOCKED }

  /** The line as it is written to the log file, SAL style. */
  public String line() {
    StringBuilder text = new StringBuilder()
        .append(at).append(' ')
        .append(user == null ? "system" : user).append(": ");
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
      text.append(" (").append(ticket == null ? "no ticket" : ticket)
          .append(reason == null ? "" : ": " + reason).append(')');
    }
    return text.toString().replace('\n', ' ');
  }
}
