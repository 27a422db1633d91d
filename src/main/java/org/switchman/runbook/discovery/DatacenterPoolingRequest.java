package org.switchman.runbook.discovery;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.switchman.runbook.EchoedInput;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.RunJustification;

/**
 * What an operator asks for when starting a {@code discovery-datacenter} run: pool or depool one
 * datacenter for the discovery services, or read their state.
 *
 * @param action pool, depool or status
 * @param dc the datacenter to pool or depool; for status, a datacenter or {@link #ALL_DATACENTERS}
 * @param services the subset of discovery services; empty: every one but MediaWiki's
 * @param mode live or dry-run
 * @param reason why, journaled and ops-logged
 * @param ticket the task that tracks the change
 */
public record DatacenterPoolingRequest(
    Action action,
    String dc,
    List<String> services,
    ExecutionMode mode,
    String reason,
    String ticket) {

  /** The process key, also the name of the run's lock. */
  public static final String RUNBOOK = "discovery-datacenter";

  /** The {@code dc} of a status that reads every datacenter. */
  public static final String ALL_DATACENTERS = "all";

  /** The most services one run names. */
  public static final int MAX_SERVICES = 200;

  private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** What the run does to the datacenter. */
  public enum Action {
    POOL("pool"),
    DEPOOL("depool"),
    STATUS("status");

    private final String value;

    Action(String value) {
      this.value = value;
    }

    /** As forms and the REST API spell it. */
    public String value() {
      return value;
    }
  }

  public DatacenterPoolingRequest {
    services = List.copyOf(services);
  }

  /**
   * Parses and checks the start input. Whether the services exist is {@link
   * DatacenterPooling#plan}'s check.
   *
   * @param services service names separated by commas, spaces or line breaks; blank: all
   * @param datacenters the core datacenters
   * @throws InvalidRequestException naming every problem found
   */
  public static DatacenterPoolingRequest parse(
      String action,
      String dc,
      String services,
      String mode,
      String reason,
      String ticket,
      List<String> datacenters) {
    List<String> problems = new ArrayList<>();
    String act = action == null ? "" : action.strip();
    Action parsedAction = null;
    for (Action candidate : Action.values()) {
      if (candidate.value().equals(act)) {
        parsedAction = candidate;
      }
    }
    if (parsedAction == null) {
      problems.add("action '" + shortened(act) + "' is not one of pool, depool, status");
    }
    String where = dc == null ? "" : dc.strip();
    boolean all = where.equals(ALL_DATACENTERS) && parsedAction == Action.STATUS;
    if (!all && !datacenters.contains(where)) {
      problems.add(
          "dc '"
              + shortened(where)
              + "' is not a known datacenter "
              + datacenters
              + (parsedAction == Action.STATUS ? " nor '" + ALL_DATACENTERS + "'" : ""));
    }
    Set<String> subset = new LinkedHashSet<>();
    if (services != null && !services.isBlank()) {
      for (String service : services.strip().split("[,\\s]+")) {
        if (!SERVICE.matcher(service).matches()) {
          problems.add("services: '" + shortened(service) + "' is not a service name");
        } else {
          subset.add(service);
        }
      }
      if (subset.size() > MAX_SERVICES) {
        problems.add("services names " + subset.size() + " services; at most " + MAX_SERVICES);
      }
    }
    ExecutionMode parsedMode = ExecutionMode.liveOrDryRun(mode, problems);
    RunJustification.checkReason(reason, "it is journaled and ops-logged", problems);
    RunJustification.checkTicket(ticket, "this change", problems);
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(RUNBOOK, problems);
    }
    return new DatacenterPoolingRequest(
        parsedAction, where, List.copyOf(subset), parsedMode, reason.strip(), ticket.strip());
  }

  private static String shortened(String text) {
    return EchoedInput.shortened(text, 40);
  }
}
