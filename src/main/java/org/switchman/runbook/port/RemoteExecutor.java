package org.switchman.runbook.port;

import java.time.Duration;
import org.switchman.runbook.RunContext;

/**
 * Runs commands on fleet hosts over SSH.
 *
 * <p>Rules every implementation keeps: strict known_hosts only (an unknown or changed host key
 * fails with {@link RemoteExecutionException.HostKeyUnknown} or {@link
 * RemoteExecutionException.HostKeyChanged}, never trust on first use); key-based authentication;
 * one reused connection per host; every wait on a host bounded (connect, handshake, command), and a
 * host that hangs delays no other host; a bounded number of concurrent sessions; stdout and stderr
 * captured and capped; the exit code returned. Unreachable, refused, timed out, authentication
 * failed and non-zero exit are distinct exceptions, all subclasses of {@link
 * RemoteExecutionException}. A caller interrupted while it waits gets {@link
 * StepInterruptedException} instead, with its interrupt flag set.
 */
public interface RemoteExecutor {

  /**
   * Runs a command that only reads ({@code systemctl is-active}, {@code nodetool status}). It
   * always runs, whatever the mode, and is not journaled.
   *
   * @param host the host's FQDN, as in known_hosts
   * @param command the exact command line
   * @param timeout how long the command may run
   * @return the result; its exit code is 0
   * @throws RemoteExecutionException.NonZeroExit when the command exits non-zero (the result is
   *     attached)
   */
  CommandResult query(String host, String command, Duration timeout);

  /**
   * Runs a command that changes the host ({@code systemctl restart}, {@code depool}), through the
   * mutation choke point: in dry-run it is journaled as "would: …" and not run; in live-test it is
   * refused when {@code datacenter} is the active one. The journal entry carries the host key's
   * fingerprint.
   *
   * @param datacenter the host's datacenter, for live-test
   * @return what happened; the result is present when the command ran
   */
  CommandOutcome execute(
      RunContext run, String host, String datacenter, String command, Duration timeout);

  /**
   * The output of a command that ran.
   *
   * @param host the FQDN
   * @param command the exact command
   * @param exitCode the exit status
   * @param stdout standard output, capped
   * @param stderr standard error, capped
   * @param hostKeyFingerprint the verified host key, e.g. {@code SHA256:…}
   * @param durationMillis wall time of the command
   */
  record CommandResult(
      String host,
      String command,
      int exitCode,
      String stdout,
      String stderr,
      String hostKeyFingerprint,
      long durationMillis) {}

  /**
   * @param outcome performed, would (dry-run) or refused (live-test)
   * @param result the command's result when it was performed, else {@code null}
   */
  record CommandOutcome(org.switchman.runbook.MutationOutcome outcome, CommandResult result) {}
}
