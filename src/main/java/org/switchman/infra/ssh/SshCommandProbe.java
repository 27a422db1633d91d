package org.switchman.infra.ssh;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchman.infra.Mutations;
import org.switchman.runbook.Mutation;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.restart.SystemdTime;

/**
 * Reads back what a fleet command did, for the mutation choke point, with commands that only read
 * (the same on the lab's hosts and real ones):
 *
 * <ul>
 *   <li>{@code systemctl start|stop UNIT}: {@code systemctl is-active UNIT};
 *   <li>{@code systemctl restart UNIT}: the unit is active and entered that state since the run's
 *       first attempt ({@code systemctl show -p ActiveEnterTimestamp UNIT});
 *   <li>{@code disable-puppet …} and {@code enable-puppet …}: {@code puppet-enabled};
 *   <li>{@code run-puppet-agent}: the last run of puppet's summary ({@value #PUPPET_SUMMARY}) is no
 *       older than the run's first attempt;
 *   <li>{@code downtime-service 'NAME' …} and {@code remove-downtime 'NAME'}: {@code downtimes};
 *   <li>{@code reboot} and {@code reboot -f}: never in effect here; a reboot leaves no state to
 *       read back, and {@code host-reboot} asks for one only when the host still runs the boot it
 *       had before (its boot id), so asking is always meant;
 *   <li>anything else (a cache warm-up) leaves nothing to read: only the journal can tell.
 * </ul>
 *
 * Host times have one-second resolution, so "since" counts from the start of the second of the
 * first attempt.
 */
public class SshCommandProbe implements Mutations.Probe {

  static final String PUPPET_SUMMARY = "/var/lib/puppet/state/last_run_summary.yaml";

  private static final Pattern SYSTEMCTL = Pattern.compile("systemctl (start|stop|restart) (\\S+)");
  private static final Pattern DOWNTIME =
      Pattern.compile("(downtime-service|remove-downtime) '([^']*)'.*");
  private static final Pattern LAST_RUN = Pattern.compile("(?m)^\\s*last_run:\\s*(\\d+)\\s*$");

  private final RemoteExecutor remote;
  private final Duration timeout;

  public SshCommandProbe(RemoteExecutor remote, Duration timeout) {
    this.remote = remote;
    this.timeout = timeout;
  }

  @Override
  public Mutations.Observation observe(Mutation command, Instant since) {
    String host = command.target();
    String action = command.action();
    Instant from = since.truncatedTo(ChronoUnit.SECONDS);
    Matcher systemctl = SYSTEMCTL.matcher(action);
    if (systemctl.matches()) {
      String unit = systemctl.group(2);
      String state = state(host, unit);
      boolean active = state.equals("active");
      return switch (systemctl.group(1)) {
        case "start" -> seen(active, unit + " is " + state + " on " + host);
        case "stop" -> seen(!active, unit + " is " + state + " on " + host);
        default -> {
          Instant entered = activeSince(host, unit);
          yield seen(
              active && entered != null && !entered.isBefore(from),
              unit
                  + " is "
                  + state
                  + " on "
                  + host
                  + ", active since "
                  + (entered == null ? "never" : entered)
                  + "; the run first tried the restart at "
                  + since);
        }
      };
    }
    if (action.equals("reboot") || action.equals("reboot -f")) {
      return Mutations.Observation.notApplied(
          "a reboot leaves nothing to read back; the run asks for it while "
              + host
              + " still runs the boot it had before");
    }
    if (action.startsWith("disable-puppet ") || action.startsWith("enable-puppet ")) {
      boolean enabled = read(host, "puppet-enabled").strip().equals("yes");
      return seen(
          enabled == action.startsWith("enable-puppet "),
          "puppet is " + (enabled ? "enabled" : "disabled") + " on " + host);
    }
    if (action.equals("run-puppet-agent")) {
      Matcher lastRun = LAST_RUN.matcher(read(host, "cat " + PUPPET_SUMMARY));
      Instant last =
          lastRun.find() ? Instant.ofEpochSecond(Long.parseLong(lastRun.group(1))) : null;
      return seen(
          last != null && !last.isBefore(from),
          "puppet last ran on "
              + host
              + " at "
              + (last == null ? "no time known" : last)
              + "; the run first tried it at "
              + since);
    }
    Matcher downtime = DOWNTIME.matcher(action);
    if (downtime.matches()) {
      boolean listed = read(host, "downtimes").lines().anyMatch(downtime.group(2)::equals);
      return seen(
          listed == downtime.group(1).equals("downtime-service"),
          "'" + downtime.group(2) + "' is " + (listed ? "" : "not ") + "downtimed on " + host);
    }
    return Mutations.Observation.noTrace("'" + action + "' leaves nothing to read on " + host);
  }

  private static Mutations.Observation seen(boolean applied, String observed) {
    return applied
        ? Mutations.Observation.applied(observed)
        : Mutations.Observation.notApplied(observed);
  }

  private String state(String host, String unit) {
    String state = read(host, "systemctl is-active " + unit).strip();
    return state.isEmpty() ? "unknown" : state;
  }

  /** When the unit last became active, or {@code null} when it never did (or cannot be told). */
  private Instant activeSince(String host, String unit) {
    return SystemdTime.ofProperty(read(host, "systemctl show -p ActiveEnterTimestamp " + unit));
  }

  static Instant parseTimestamp(String value) {
    return SystemdTime.parse(value);
  }

  /** The output of a reading command; a non-zero exit still answers (is-active says inactive). */
  private String read(String host, String command) {
    try {
      return remote.query(host, command, timeout).stdout();
    } catch (RemoteExecutionException.NonZeroExit e) {
      return e.result().stdout();
    }
  }
}
