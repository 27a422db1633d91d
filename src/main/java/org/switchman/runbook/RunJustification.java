package org.switchman.runbook;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The reason and ticket every run is started with, checked the same way for every runbook: a reason
 * of one line of at most {@value #MAX_REASON} characters, and a Phabricator-style task id.
 */
public final class RunJustification {

  /** The longest reason: one line, journaled, ops-logged and shown in forms. */
  public static final int MAX_REASON = 200;

  /** A Phabricator-style task id. */
  public static final Pattern TICKET = Pattern.compile("T[0-9]{1,9}");

  private RunJustification() {}

  /**
   * Adds a problem when the reason is empty, too long or more than one line.
   *
   * @param use what the reason is for, said when it is empty (such as "it is journaled")
   */
  public static void checkReason(String reason, String use, List<String> problems) {
    if (reason == null || reason.isBlank()) {
      problems.add("reason is empty: say why, " + use);
    } else if (reason.strip().length() > MAX_REASON) {
      problems.add(
          "reason is " + reason.strip().length() + " characters long; at most " + MAX_REASON);
    } else if (reason.strip().codePoints().anyMatch(EchoedInput::isControl)) {
      problems.add(
          "reason must be a single line of text, without line breaks or control characters");
    }
  }

  /**
   * Adds a problem when the ticket is empty or not a task id.
   *
   * @param what what the ticket tracks, said when it is empty (such as "this switchover")
   */
  public static void checkTicket(String ticket, String what, List<String> problems) {
    if (ticket == null || ticket.isBlank()) {
      problems.add("ticket is empty: name the task that tracks " + what);
    } else if (!TICKET.matcher(ticket.strip()).matches()) {
      problems.add(
          "ticket must be T followed by digits (such as T12345), not '"
              + EchoedInput.shortened(ticket.strip(), 40)
              + "'");
    }
  }
}
