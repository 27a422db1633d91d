package org.switchman.runbook.restart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.port.Versioned;

/**
 * The steps of restarting one service on one host as its policy ({@link ServicePolicy}) says, each
 * a call of its own so that a diagram can put its timers between them (the grace after the depool,
 * the pauses of the readiness wait): checks, depool, drain, restart or reload, checks, repool.
 *
 * <p>The depool is change-and-revert in conftool. {@link #toDepool} only reads: the entries of the
 * policy's {@code depoolFrom} services that are pooled now. The caller keeps that list before
 * {@link #depool} changes anything, so a crash between the two leaves nothing it cannot undo, and
 * {@link #repool} sets back exactly those entries, only where they still read {@code no}: an entry
 * someone else changed meanwhile is left as found and reported. A host whose checks failed is
 * repooled only if the caller decides so. Every conftool write is a compare-and-set through the
 * {@link Conftool} port, and every command that changes the host goes through {@link
 * RemoteExecutor#execute}: both are journaled, and in dry-run journaled as "would: …" and not done.
 * Each step may run again after a crash: depooling a depooled entry and repooling a pooled one do
 * nothing, and restarting twice is harmless.
 */
public final class HostRestart {

  /**
   * One host's entry in one conftool pool, as the depool found it pooled.
   *
   * @param dc the host's datacenter
   * @param cluster its conftool cluster
   * @param service the conftool service
   * @param host the FQDN
   */
  public record PoolSlot(String dc, String cluster, String service, String host) {

    /** As it is kept in a run's variables: {@code dc/cluster/service/host}. */
    @Override
    public String toString() {
      return dc + "/" + cluster + "/" + service + "/" + host;
    }

    /**
     * Reads {@link #toString}.
     *
     * @throws IllegalArgumentException for text of another shape
     */
    public static PoolSlot parse(String text) {
      String[] parts = text == null ? new String[0] : text.split("/", -1);
      if (parts.length != 4 || List.of(parts).stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException("'" + text + "' is not dc/cluster/service/host");
      }
      return new PoolSlot(parts[0], parts[1], parts[2], parts[3]);
    }
  }

  /**
   * What a repool did.
   *
   * @param repooled the entries set back to {@code yes} (or that would be, in dry-run)
   * @param leftAlone each entry found in another state than this run left it, with that state
   */
  public record Repool(List<PoolSlot> repooled, List<String> leftAlone) {
    public Repool {
      repooled = List.copyOf(repooled);
      leftAlone = List.copyOf(leftAlone);
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
   * Runs checks on the host; they only read.
   *
   * @return one line per check that does not hold, {@code name: why}; empty when all hold
   */
  public List<String> failedChecks(
      List<HostCheck> checks, ServicePolicy policy, RestartPlan.Host host) {
    List<String> failed = new ArrayList<>();
    for (HostCheck check : checks) {
      HostCheck.Result result = check.run(remote, host.fqdn(), policy.units(), commandTimeout);
      if (!result.passed()) {
        failed.add(check.checkName() + ": " + result.reason());
      }
    }
    return failed;
  }

  /**
   * The entries the depool takes out: those of the policy's {@code depoolFrom} services that are
   * pooled ({@code yes}) now. Only reads.
   */
  public List<PoolSlot> toDepool(ServicePolicy policy, RestartPlan.Host host) {
    return toDepool(policy.depoolFrom(), host);
  }

  /** The entries of these conftool services that are pooled ({@code yes}) now. Only reads. */
  public List<PoolSlot> toDepool(List<String> services, RestartPlan.Host host) {
    List<PoolSlot> pooled = new ArrayList<>();
    for (String service : services) {
      PoolSlot slot = new PoolSlot(host.dc(), host.cluster(), service, host.fqdn());
      read(slot)
          .filter(entry -> entry.value().pooled().equals("yes"))
          .ifPresent(entry -> pooled.add(slot));
    }
    return pooled;
  }

  /**
   * Sets each entry to {@code no}; one that already reads {@code no} is left as it is.
   *
   * @throws CheckFailedException when an entry is missing, or is neither {@code yes} nor {@code
   *     no}: someone else changed it since {@link #toDepool}
   */
  public MutationOutcome depool(RunContext run, List<PoolSlot> slots) {
    MutationOutcome outcome = MutationOutcome.PERFORMED;
    for (PoolSlot slot : slots) {
      Versioned<Conftool.PoolEntry> entry =
          read(slot)
              .orElseThrow(
                  () ->
                      new CheckFailedException(
                          "host-depooled", "conftool has no entry " + slot + " any more"));
      switch (entry.value().pooled()) {
        case "no" -> {}
        case "yes" -> outcome = conftool.setPoolEntry(run, entry, "no", entry.value().weight());
        default ->
            throw new CheckFailedException(
                "host-depooled",
                slot + " is " + entry.value().pooled() + " now, not pooled: someone changed it");
      }
    }
    return outcome;
  }

  /** Runs the policy's drain on the host, if it has one. */
  public MutationOutcome drain(RunContext run, ServicePolicy policy, RestartPlan.Host host) {
    Optional<String> command = policy.drain().command();
    return command.isEmpty() ? MutationOutcome.PERFORMED : execute(run, host, command.get());
  }

  /**
   * Restarts or reloads each of the policy's units, in order.
   *
   * @throws CheckFailedException naming the unit whose command failed; the units after it are left
   */
  public MutationOutcome restart(
      RunContext run,
      ServicePolicy policy,
      RestartPlan.Host host,
      RollingRestartRequest.Action action) {
    MutationOutcome outcome = MutationOutcome.PERFORMED;
    for (String unit : policy.units()) {
      outcome = execute(run, host, "systemctl " + action.value() + " " + unit);
    }
    return outcome;
  }

  /**
   * Sets back to {@code yes} each entry the depool took out, where it still reads {@code no}.
   * Entries found pooled are counted as repooled; entries found in any other state, or missing, are
   * left alone and reported.
   */
  public Repool repool(RunContext run, List<PoolSlot> slots) {
    List<PoolSlot> repooled = new ArrayList<>();
    List<String> leftAlone = new ArrayList<>();
    for (PoolSlot slot : slots) {
      Optional<Versioned<Conftool.PoolEntry>> entry = read(slot);
      if (entry.isEmpty()) {
        leftAlone.add(slot + ": no conftool entry any more");
        continue;
      }
      String pooled = entry.get().value().pooled();
      if (pooled.equals("no") || (pooled.equals("yes") && run.mode() == ExecutionMode.DRY_RUN)) {
        // in dry-run the depool was only journaled, so the entry still reads yes: journal the
        // repool that would follow it
        conftool.setPoolEntry(run, entry.get(), "yes", entry.get().value().weight());
        repooled.add(slot);
      } else if (pooled.equals("yes")) {
        repooled.add(slot);
      } else {
        leftAlone.add(slot + ": " + pooled + ", changed by someone else, left as found");
      }
    }
    return new Repool(repooled, leftAlone);
  }

  private Optional<Versioned<Conftool.PoolEntry>> read(PoolSlot slot) {
    return conftool.poolEntry(slot.dc(), slot.cluster(), slot.service(), slot.host());
  }

  /**
   * Runs a command that changes the host, through {@link RemoteExecutor#execute}.
   *
   * @throws CheckFailedException {@code command-succeeded} when it exits non-zero, with what it
   *     said
   */
  public MutationOutcome execute(RunContext run, RestartPlan.Host host, String command) {
    try {
      return remote.execute(run, host.fqdn(), host.dc(), command, commandTimeout).outcome();
    } catch (RemoteExecutionException.NonZeroExit e) {
      String said = (e.result().stdout() + "\n" + e.result().stderr()).strip();
      throw new CheckFailedException(
          "command-succeeded",
          host.fqdn() + ": '" + command + "' failed: " + (said.isEmpty() ? e.getMessage() : said));
    }
  }
}
