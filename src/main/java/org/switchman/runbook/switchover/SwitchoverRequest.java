package org.switchman.runbook.switchover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;

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
public record SwitchoverRequest(String dcFrom, String dcTo, ExecutionMode mode, String reason,
    String ticket, Duration readOnlyBudget, Duration inFlightGrace) {

  /** The process key, also the name of the lock. */
  public static final String RUNBOOK = "dc-switchover";

  /**
   * Parses and checks the start-form input against the known datacenters and the one that is
   * primary now. Nothing is changed by this check.
   *
   * @param activeDc the datacenter conftool names as {@code WMFMasterDatacenter} now
   * @throws InvalidRequestException naming every problem found
   */
  public static SwitchoverRequest parse(String dcFrom, String dcTo, String mode, String reason,
      String ticket, String readOnlyBudget, String inFlightGrace, List<String> datacenters,
      String activeDc) {
    List<String> problems = new ArrayList<>();
    ExecutionMode parsedMode = null;
    try {
      parsedMode = ExecutionMode.parse(mode == null ? "" : mode.strip());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    String from = dcFrom == null ? "" : dcFrom.strip();
    String to = dcTo == null ? "" : dcTo.strip();
    if (!datacenters.contains(from)) {
      problems.add("dcFrom '" + from + "' is not a known datacenter " + datacenters);
    }
    if (!datacenters.contains(to)) {
      problems.add("dcTo '" + to + "' is not a known datacenter " + datacenters);
    }
    if (!from.isEmpty() && from.equals(to)) {
      problems.add("dcFrom and dcTo are both '" + from + "': a switchover needs two datacenters");
    }
    if (parsedMode != null && datacenters.contains(from) && datacenters.contains(to) && !from.equals(to)) {
      if (parsedMode == ExecutionMode.LIVE_TEST && !to.equals(activeDc)) {
        problems.add("live-test runs from the passive datacenter towards the active one, so dcTo"
            + " must be the active datacenter " + activeDc + ", not " + to);
      } else if (parsedMode != ExecutionMode.LIVE_TEST && !from.equals(activeDc)) {
        problems.add("dcFrom must be the active datacenter " + activeDc + ", not " + from
            + " (WMFMasterDatacenter in conftool)");
      }
    }
    if (reason == null || reason.isBlank()) {
      problems.add("reason is empty: say why, it is the read-only message editors see");
    }
    if (ticket == null || ticket.isBlank()) {
      problems.add("ticket is empty: name the task that tracks this switchover");
    }
    Duration budget = duration("readOnlyBudget", readOnlyBudget, "PT3M", problems);
    Duration grace = duration("inFlightGrace", inFlightGrace, "PT10S", problems);
    if (budget != null && (budget.isZero() || budget.isNegative())) {
      problems.add("readOnlyBudget must be longer than zero, not " + readOnlyBudget);
    }
    if (grace != null && grace.isNegative()) {
      problems.add("inFlightGrace must not be negative, not " + inFlightGrace);
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(RUNBOOK, problems);
    }
    return new SwitchoverRequest(from, to, parsedMode, reason.strip(), ticket.strip(), budget, grace);
  }

  private static Duration duration(String name, String text, String fallback, List<String> problems) {
    String value = text == null || text.isBlank() ? fallback : text.strip();
    try {
      return Duration.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      problems.add(name + " '" + value + "' is not an ISO-8601 duration such as " + fallback);
      return null;
    }
  }

  /** The datacenter a live-test must not change; the active one otherwise. */
  public String activeDatacenter() {
    return mode == ExecutionMode.LIVE_TEST ? dcTo : dcFrom;
  }
}
