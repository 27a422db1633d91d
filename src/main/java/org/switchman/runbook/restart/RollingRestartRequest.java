package org.switchman.runbook.restart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.switchman.runbook.EchoedInput;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.RunJustification;

/**
 * What an operator asks for when starting a rolling restart. It names a service of the catalogue,
 * never hosts or units of its own choosing: the hosts come from conftool ({@link RestartPlan}), the
 * units from the service's policy, and a host list only narrows the cluster down.
 *
 * @param policy the service's policy in the catalogue
 * @param dc {@code eqiad}, {@code codfw} or {@link #ALL_DATACENTERS}
 * @param hosts the subset of the service's hosts to restart, as FQDNs; empty: all of them
 * @param batchSize how many hosts at once, when the operator asks for fewer than the policy would
 *     take; empty: the policy's
 * @param action restart or reload
 * @param mode live or dry-run
 * @param reason why, journaled and ops-logged
 * @param ticket the task that tracks the restart
 */
public record RollingRestartRequest(
    ServicePolicy policy,
    String dc,
    List<String> hosts,
    Optional<Integer> batchSize,
    Action action,
    ExecutionMode mode,
    String reason,
    String ticket) {

  /** The process key, also the name of the service-and-DC lock. */
  public static final String RUNBOOK = "rolling-restart";

  /** The {@code dc} that means both datacenters, one after the other. */
  public static final String ALL_DATACENTERS = "all";

  public static final int MAX_HOSTS = 1000;

  /**
   * The longest {@code hosts} text: the engine keeps at most 4,000 characters in a text variable. A
   * person's start with a longer one is refused before this, naming the variable (the gate's check
   * of every start); this check names the remedy for a start made without a user.
   */
  public static final int MAX_HOSTS_TEXT = 4000;

  private static final Pattern FQDN = Pattern.compile("[a-z0-9][a-z0-9.-]{0,252}");

  /** What is done to each unit. */
  public enum Action {
    RESTART("restart"),
    RELOAD("reload");

    private final String value;

    Action(String value) {
      this.value = value;
    }

    /** As forms and the REST API spell it, and as {@code systemctl} takes it. */
    public String value() {
      return value;
    }
  }

  public RollingRestartRequest {
    hosts = List.copyOf(hosts);
  }

  /**
   * Parses and checks the start input against the catalogue and the known datacenters. Nothing is
   * read from the infrastructure here; whether the hosts exist is {@link RestartPlan}'s check.
   *
   * @param hosts the subset as FQDNs separated by commas, spaces or line breaks; blank: all
   * @param batchSize a whole number of hosts; blank: the policy's
   * @throws InvalidRequestException naming every problem found
   */
  public static RollingRestartRequest parse(
      String service,
      String dc,
      String hosts,
      String batchSize,
      String action,
      String mode,
      String reason,
      String ticket,
      ServiceCatalogue catalogue,
      List<String> datacenters) {
    List<String> problems = new ArrayList<>();
    ServicePolicy policy = null;
    try {
      policy = catalogue.policy(RUNBOOK, service);
    } catch (InvalidRequestException unknown) {
      problems.addAll(unknown.problems());
    }
    String where = dc == null ? "" : dc.strip();
    if (!where.equals(ALL_DATACENTERS) && !datacenters.contains(where)) {
      problems.add(
          "dc '"
              + abbreviated(where)
              + "' is not a known datacenter "
              + datacenters
              + " nor '"
              + ALL_DATACENTERS
              + "'");
    }
    Set<String> subset = new LinkedHashSet<>();
    if (hosts != null && hosts.length() > MAX_HOSTS_TEXT) {
      problems.add(
          "hosts is "
              + hosts.length()
              + " characters long; at most "
              + MAX_HOSTS_TEXT
              + ": restart a whole datacenter with dc, or split the hosts into several runs");
    } else if (hosts != null && !hosts.isBlank()) {
      for (String host : hosts.strip().split("[,\\s]+")) {
        if (!FQDN.matcher(host).matches()) {
          problems.add("hosts: '" + abbreviated(host) + "' is not a host name");
        } else {
          subset.add(host);
        }
      }
      if (subset.size() > MAX_HOSTS) {
        problems.add("hosts names " + subset.size() + " hosts; at most " + MAX_HOSTS);
      }
    }
    Optional<Integer> size = Optional.empty();
    if (batchSize != null && !batchSize.isBlank()) {
      String text = batchSize.strip();
      if (!text.matches("\\d{1,4}") || Integer.parseInt(text) < 1) {
        problems.add(
            "batchSize '" + abbreviated(text) + "' is not a whole number of hosts, 1 or more");
      } else if (policy != null && Integer.parseInt(text) > policy.batchMax()) {
        problems.add(
            "batchSize "
                + text
                + " is above the catalogue's maximum for "
                + policy.service()
                + " ("
                + policy.batchMax()
                + ")");
      } else {
        size = Optional.of(Integer.parseInt(text));
      }
    }
    Action parsedAction = null;
    String act = action == null || action.isBlank() ? Action.RESTART.value() : action.strip();
    for (Action candidate : Action.values()) {
      if (candidate.value().equals(act)) {
        parsedAction = candidate;
      }
    }
    if (parsedAction == null) {
      problems.add("action '" + abbreviated(act) + "' is not one of restart, reload");
    }
    ExecutionMode parsedMode = ExecutionMode.liveOrDryRun(mode, problems);
    RunJustification.checkReason(reason, "it is journaled and ops-logged", problems);
    RunJustification.checkTicket(ticket, "this restart", problems);
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(RUNBOOK, problems);
    }
    return new RollingRestartRequest(
        policy,
        where,
        List.copyOf(subset),
        size,
        parsedAction,
        parsedMode,
        reason.strip(),
        ticket.strip());
  }

  /** The datacenters this restart goes through, in order. */
  public List<String> datacenters(List<String> known) {
    return dc.equals(ALL_DATACENTERS) ? List.copyOf(known) : List.of(dc);
  }

  private static String abbreviated(String text) {
    return EchoedInput.shortened(text, 40);
  }
}
