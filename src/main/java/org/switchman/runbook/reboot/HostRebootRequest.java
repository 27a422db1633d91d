package org.switchman.runbook.reboot;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.switchman.runbook.EchoedInput;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.RunJustification;

/**
 * What an operator asks for when starting a {@code host-reboot} run. Whether the host exists is
 * {@link HostReboot#locate}'s check.
 *
 * @param host the host's FQDN, such as {@code afs1001.eqiad.wmnet}
 * @param dc its datacenter, the FQDN's second label
 * @param clean true for a planned reboot: the services on the slow filesystem are stopped first, so
 *     it comes back without a recovery; false when it cannot be shut down cleanly (a hung host), so
 *     it is reset ({@code reboot -f}) and a recovery is expected
 * @param mode live or dry-run
 * @param reason why, journaled and ops-logged
 * @param ticket the task that tracks the reboot
 */
public record HostRebootRequest(
    String host, String dc, boolean clean, ExecutionMode mode, String reason, String ticket) {

  /** The process key. */
  public static final String RUNBOOK = "host-reboot";

  private static final Pattern FQDN =
      Pattern.compile("[a-z0-9][a-z0-9-]{0,62}(\\.[a-z0-9][a-z0-9-]{0,62}){1,5}");

  /**
   * Parses and checks the start input.
   *
   * @param clean {@code true} or {@code false}; blank means a planned, clean reboot
   * @param datacenters the core datacenters
   * @throws InvalidRequestException naming every problem found
   */
  public static HostRebootRequest parse(
      String host,
      String clean,
      String mode,
      String reason,
      String ticket,
      List<String> datacenters) {
    List<String> problems = new ArrayList<>();
    String fqdn = host == null ? "" : host.strip();
    String dc = "";
    if (!FQDN.matcher(fqdn).matches()) {
      problems.add("host '" + shortened(fqdn) + "' is not a fully qualified host name");
    } else {
      dc = fqdn.split("\\.")[1];
      if (!datacenters.contains(dc)) {
        problems.add(
            "host '" + fqdn + "' is not in a known datacenter " + datacenters + " (its 2nd label)");
      }
    }
    String cleanText = clean == null ? "" : clean.strip();
    if (!List.of("", "true", "false").contains(cleanText)) {
      problems.add("clean '" + shortened(cleanText) + "' is neither true nor false");
    }
    ExecutionMode parsedMode = ExecutionMode.liveOrDryRun(mode, problems);
    RunJustification.checkReason(reason, "it is journaled and ops-logged", problems);
    RunJustification.checkTicket(ticket, "this reboot", problems);
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(RUNBOOK, problems);
    }
    return new HostRebootRequest(
        fqdn, dc, !cleanText.equals("false"), parsedMode, reason.strip(), ticket.strip());
  }

  private static String shortened(String text) {
    return EchoedInput.shortened(text, 64);
  }
}
