package org.switchman.audit.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.switchman.runbook.InvalidRequestException;

/**
 * Which runs to list. Every field is optional ({@code null} matches all).
 *
 * @param runbook the runbook's process key
 * @param user who started the run
 * @param outcome {@code running}, {@code completed} (every run that ended normally, whatever its
 *     business outcome), {@code cancelled}, or a business outcome such as {@code rolled-back}
 * @param from runs started at or after this time
 * @param to runs started before this time
 */
public record RunFilter(String runbook, String user, String outcome, Instant from, Instant to) {

  public static final RunFilter ALL = new RunFilter(null, null, null, null, null);

  public RunFilter {
    runbook = blankToNull(runbook);
    user = blankToNull(user);
    outcome = blankToNull(outcome);
    List<String> problems = new ArrayList<>();
    if (outcome != null && !outcome.matches("[a-z][a-z0-9-]{0,63}")) {
      problems.add(
          "outcome must be a word such as running, completed or rolled-back, not '"
              + outcome
              + "'");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      problems.add("the time range is empty: 'from' " + from + " is not before 'to' " + to);
    }
    if (!problems.isEmpty()) {
      throw InvalidRequestException.of("Bad runs filter", problems);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
