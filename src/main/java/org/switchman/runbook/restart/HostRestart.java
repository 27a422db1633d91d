package org.switchman.runbook.restart;

import java.time.Duration;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.port.Versioned;

/**
 * Restarting one service on one host the way production runbooks do it: depool, let in-flight
 * requests finish (a BPMN timer between {@link #depool} and {@link #restart}), restart the unit,
 * check it is active, check it is registered with its proxy again (a restart can silently lose the
 * registration), repool.
 *
 * <p>Each step is safe to run again after a crash: depool and repool look at conftool first and do
 * nothing when the host is already in the wanted state; restarting twice is harmless. In dry-run
 * the commands are journaled as "would: …" and not run, and the conftool read-back is skipped.
 * {@code depool} and {@code pool} run on the host, as operators run them; they change the host's
 * conftool entries, which this class then reads back.
 */
public final class HostRestart {

  /**
   * The host and service to restart.
   *
   * @param host the FQDN
   * @param dc the host's datacenter
   * @param cluster the conftool cluster, e.g. {@code appserver}
   * @param service the conftool service, e.g. {@code apache2}
   * @param unit the systemd unit, e.g. {@code php-fpm}
   */
  public record Target(String host, String dc, String cluster, String service, String unit) {

    /** A systemd unit name: letters, digits and {@code @._-}, so it is safe in a shell command. */
    public static final java.util.regex.Pattern UNIT =
        java.util.regex.Pattern.compile("[A-Za-z0-9@._-]{1,128}");

    /**
     * @throws IllegalArgumentException when the unit is not a plain unit name
     */
    public Target {
      if (unit == null || !UNIT.matcher(unit).matches()) {
        throw new IllegalArgumentException(
            "'" + unit + "' is not a systemd unit name" + " (letters, digits and @._- only)");
      }
    }
  }

  private final RemoteExecutor remote;
  private final Conftool conftool;
  private final Duration commandTimeout;

  public HostRestart(RemoteExecutor remote, Conftool conftool, Duration commandTimeout) {
    this.remote = remote;
    this.conftool = conftool;
    this.commandTimeout = commandTimeout;
  }

  /**
   * Takes the host out of its pool.
   *
   * @throws CheckFailedException when conftool still shows the host pooled afterwards
   */
  public MutationOutcome depool(RunContext run, Target target) {
    if (!"yes".equals(pooled(target))) {
      return MutationOutcome.PERFORMED;
    }
    MutationOutcome outcome = execute(run, target, "depool");
    if (outcome == MutationOutcome.PERFORMED && "yes".equals(pooled(target))) {
      throw new CheckFailedException(
          "host-depooled",
          target.host() + " is still pooled in conftool after depool (" + key(target) + ")");
    }
    return outcome;
  }

  /**
   * Restarts the unit.
   *
   * @throws CheckFailedException when the restart command fails on the host
   */
  public MutationOutcome restart(RunContext run, Target target) {
    return execute(run, target, "systemctl restart " + target.unit());
  }

  /**
   * Checks that the unit is active.
   *
   * @throws CheckFailedException naming the unit's state otherwise
   */
  public void checkActive(Target target) {
    String state;
    try {
      state =
          remote
              .query(target.host(), "systemctl is-active " + target.unit(), commandTimeout)
              .stdout()
              .strip();
    } catch (RemoteExecutionException.NonZeroExit inactive) {
      state = inactive.result().stdout().strip();
    }
    if (!"active".equals(state)) {
      throw new CheckFailedException(
          "unit-active", target.unit() + " on " + target.host() + " is " + state + ", not active");
    }
  }

  /**
   * Checks that the service registered with its proxy again after the restart.
   *
   * @throws CheckFailedException with the host's answer otherwise
   */
  public void checkRegistered(Target target) {
    query(target, "check-service-registration " + target.unit(), "service-registered");
  }

  /**
   * Puts the host back into its pool.
   *
   * @throws CheckFailedException when conftool does not show the host pooled afterwards
   */
  public MutationOutcome repool(RunContext run, Target target) {
    if ("yes".equals(pooled(target))) {
      return MutationOutcome.PERFORMED;
    }
    MutationOutcome outcome = execute(run, target, "pool");
    if (outcome == MutationOutcome.PERFORMED && !"yes".equals(pooled(target))) {
      throw new CheckFailedException(
          "host-pooled",
          target.host() + " is not pooled in conftool after pool (" + key(target) + ")");
    }
    return outcome;
  }

  private String pooled(Target target) {
    Versioned<Conftool.PoolEntry> entry =
        conftool
            .poolEntry(target.dc(), target.cluster(), target.service(), target.host())
            .orElseThrow(
                () ->
                    new CheckFailedException(
                        "host-in-conftool",
                        target.host() + " has no conftool entry " + key(target)));
    return entry.value().pooled();
  }

  private MutationOutcome execute(RunContext run, Target target, String command) {
    try {
      return remote.execute(run, target.host(), target.dc(), command, commandTimeout).outcome();
    } catch (RemoteExecutionException.NonZeroExit e) {
      throw new CheckFailedException("command-succeeded", e.getMessage());
    }
  }

  private String query(Target target, String command, String check) {
    try {
      return remote.query(target.host(), command, commandTimeout).stdout().strip();
    } catch (RemoteExecutionException.NonZeroExit e) {
      String answer = e.result().stdout().isBlank() ? e.result().stderr() : e.result().stdout();
      throw new CheckFailedException(check, target.host() + ": " + answer.strip());
    }
  }

  private static String key(Target target) {
    return target.dc() + "/" + target.cluster() + "/" + target.service() + "/" + target.host();
  }
}
