package org.switchman.runbook.switchover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.switchman.runbook.EchoedInput;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.RunJustification;

/**
 * What an operator asks for when starting a datacenter switchover.
 *
 * @param dcFrom the datacenter that is primary now (in live-test: the passive one)
 * @param dcTo the datacenter that becomes primary (in live-test: the active one, left unchanged)
 * @param mode live, live-test or dry-run
 * @param reason why; also the read-only message MediaWiki shows to editors
 * @param ticket the task that tracks the switchover
 * @param readOnlyBudget how long MediaWiki may stay read-only before the run escalates
 * @param inFlightGrace the pause between ReadOnly on and the database lockdown, for in-flight edits
 */
public record SwitchoverRequest(
    String dcFrom,
    String dcTo,
    ExecutionMode mode,
    String reason,
    String ticket,
    Duration readOnlyBudget,
    Duration inFlightGrace) {

  /** The process key, also the name of the lock. */
  public static final String RUNBOOK = "dc-switchover";

  public static final Duration MIN_BUDGET = Duration.ofSeconds(30);
  public static final Duration MAX_BUDGET = Duration.ofHours(1);
  public static final Duration MAX_GRACE = Duration.ofMinutes(5);

  /**
   * Parses and checks the start-form input against the known datacenters and, once the input holds,
   * against the one that is primary now. Nothing is changed by this check.
   *
   * @param activeDc reads the datacenter conftool names as {@code WMFMasterDatacenter} now; not
   *     called when the input alone is refused
   * @throws InvalidRequestException naming every problem found
   */
  public static SwitchoverRequest parse(
      String dcFrom,
      String dcTo,
      String mode,
      String reason,
      String ticket,
      String readOnlyBudget,
      String inFlightGrace,
      List<String> datacenters,
      Supplier<String> activeDc) {
    List<String> problems = new ArrayList<>();
    ExecutionMode parsedMode = null;
    try {
      parsedMode = ExecutionMode.parse(mode == null ? "" : mode.strip());
    } catch (IllegalArgumentException e) {
      problems.add("mode '" + abbreviated(mode) + "' is not one of live, live-test, dry-run");
    }
    String from = dcFrom == null ? "" : dcFrom.strip();
    String to = dcTo == null ? "" : dcTo.strip();
    if (!datacenters.contains(from)) {
      problems.add("dcFrom '" + abbreviated(from) + "' is not a known datacenter " + datacenters);
    }
    if (!datacenters.contains(to)) {
      problems.add("dcTo '" + abbreviated(to) + "' is not a known datacenter " + datacenters);
    }
    if (!from.isEmpty() && from.equals(to)) {
      problems.add("dcFrom and dcTo are both '" + from + "': a switchover needs two datacenters");
    }
    RunJustification.checkReason(reason, "it is the read-only message editors see", problems);
    RunJustification.checkTicket(ticket, "this switchover", problems);
    Duration budget = duration("readOnlyBudget", readOnlyBudget, "PT3M", problems);
    Duration grace = duration("inFlightGrace", inFlightGrace, "PT10S", problems);
    if (budget != null && (budget.compareTo(MIN_BUDGET) < 0 || budget.compareTo(MAX_BUDGET) > 0)) {
      problems.add(
          "readOnlyBudget must be from "
              + MIN_BUDGET
              + " to "
              + MAX_BUDGET
              + ", not "
              + abbreviated(readOnlyBudget));
    }
    if (grace != null && (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0)) {
      problems.add(
          "inFlightGrace must be from PT0S to "
              + MAX_GRACE
              + ", not "
              + abbreviated(inFlightGrace));
    } else if (grace != null && budget != null && grace.compareTo(budget) > 0) {
      problems.add(
          "inFlightGrace ("
              + grace
              + ") must not be longer than readOnlyBudget ("
              + budget
              + "): the grace is spent inside the read-only window");
    }
    // the site is read only for a request whose input holds: bad input never waits on etcd
    if (problems.isEmpty()) {
      String active = activeDc.get();
      if (parsedMode == ExecutionMode.LIVE_TEST && !to.equals(active)) {
        problems.add(
            "live-test runs from the passive datacenter towards the active one, so dcTo"
                + " must be the active datacenter "
                + active
                + ", not "
                + to);
      } else if (parsedMode != ExecutionMode.LIVE_TEST && !from.equals(active)) {
        problems.add(
            "dcFrom must be the active datacenter "
                + active
                + ", not "
                + from
                + " (WMFMasterDatacenter in conftool)");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(RUNBOOK, problems);
    }
    return new SwitchoverRequest(
        from, to, parsedMode, reason.strip(), ticket.strip(), budget, grace);
  }

  private static Duration duration(
      String name, String text, String fallback, List<String> problems) {
    String value = text == null || text.isBlank() ? fallback : text.strip();
    try {
      return Duration.parse(value);
    } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
      problems.add(
          name + " '" + abbreviated(value) + "' is not an ISO-8601 duration such as " + fallback);
      return null;
    }
  }

  /** Input echoed in a message, cut so that a message stays readable. */
  private static String abbreviated(String text) {
    return EchoedInput.shortened(text, 40);
  }

  /** The datacenter a live-test must not change; the active one otherwise. */
  public String activeDatacenter() {
    return mode == ExecutionMode.LIVE_TEST ? dcTo : dcFrom;
  }
}
