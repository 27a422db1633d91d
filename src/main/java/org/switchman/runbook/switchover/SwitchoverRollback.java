package org.switchman.runbook.switchover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.dblockdown.DbLockdown;
import org.switchman.runbook.port.DbMasters;
import org.switchman.runbook.port.StepInterruptedException;

/**
 * The switchover's way back: everything as it was before the run, through the same idempotent
 * changes as the steps of {@link Switchover}.
 */
public final class SwitchoverRollback {

  private final Switchover steps;
  private final SwitchoverTopology topology;
  private final DbMasters masters;
  private final DbLockdown lockdown;

  SwitchoverRollback(
      Switchover steps, SwitchoverTopology topology, DbMasters masters, DbLockdown lockdown) {
    this.steps = steps;
    this.topology = topology;
    this.masters = masters;
    this.lockdown = lockdown;
  }

  /**
   * Puts everything back as it was before the run, for a NOGO, an expired approval or an abort
   * before the discovery flip has completed: discovery and {@code WMFMasterDatacenter} on the old
   * site, the old site's masters read-write, ReadOnly off, puppet enabled and maintenance running
   * where it ran, downtimes removed, the TTLs restored and scap's lock ended. Each part changes
   * only what differs and the parts run even when one fails.
   *
   * @param originalTtls the TTLs read in phase 0 (empty if phase 0 never read them)
   * @param maintenanceWasRunning the hosts whose maintenance jobs phase 1 stopped
   * @throws IllegalStateException naming every part that failed, after trying them all
   */
  public void perform(
      RunContext run,
      SwitchoverRequest request,
      Map<String, Long> originalTtls,
      List<String> maintenanceWasRunning) {
    List<String> failures = new ArrayList<>();
    attempt(
        failures,
        "discovery back on " + request.dcFrom(),
        () -> {
          if (!steps.masterDatacenter().equals(request.dcFrom())
              && run.mode() == ExecutionMode.LIVE) {
            steps.setMaster(run, request.dcFrom());
          }
          steps.setPooled(run, request.dcFrom(), true);
          steps.pointRecords(run, request.dcFrom());
          steps.setPooled(run, request.dcTo(), false);
        });
    for (String section : topology.sections()) {
      attempt(
          failures,
          section + " master of " + request.dcFrom() + " read-write",
          () -> oldMasterReadWrite(run, section, request.dcFrom(), request.dcTo()));
    }
    attempt(failures, "ReadOnly off", () -> steps.setReadWrite(run, request));
    attempt(
        failures,
        "puppet and maintenance",
        () -> {
          steps.enablePuppetOnMaintenanceHosts(run, request);
          for (String dc : topology.datacenters()) {
            List<String> hosts =
                topology.maintenanceHosts(dc).stream()
                    .filter(maintenanceWasRunning::contains)
                    .toList();
            steps.startMaintenanceOn(run, dc, hosts);
          }
        });
    attempt(
        failures,
        "read-only check downtimes",
        () -> {
          for (String dc : topology.datacenters()) {
            for (String host : topology.dbMasterHosts(dc)) {
              steps.execute(
                  run, host, dc, "remove-downtime " + Switchover.quote(Switchover.READ_ONLY_CHECK));
            }
          }
        });
    if (!originalTtls.isEmpty()) {
      attempt(failures, "TTL restore", () -> steps.restoreTtl(run, originalTtls));
    }
    attempt(failures, "scap lock", () -> steps.unlockDeployments(run, request));
    if (!failures.isEmpty()) {
      throw new IllegalStateException("Rollback incomplete: " + String.join("; ", failures));
    }
  }

  /**
   * Undoes phase 3 for one section: the old site's master read-write again, while the new site's is
   * still read-only. Does nothing for a section that was never locked.
   */
  public void oldMasterReadWrite(RunContext run, String section, String dcFrom, String dcTo) {
    if (masters.isReadOnly(section, dcFrom)) {
      lockdown.rollBack(run, section, dcFrom, dcTo);
    }
  }

  /**
   * Undoes phase 6 for one section: the new site's master read-only again, as it was before the run
   * made it writable. Does nothing for a master that is read-only.
   */
  public void newMasterReadOnly(RunContext run, String section, String dcTo) {
    lockdown.relockNewSite(run, section, dcTo);
  }

  /** Runs one part of a rollback, noting its failure; an interruption stops the whole rollback. */
  private static void attempt(List<String> failures, String what, Runnable part) {
    try {
      part.run();
    } catch (StepInterruptedException e) {
      throw e;
    } catch (RuntimeException e) {
      failures.add(what + ": " + e.getMessage());
    }
  }
}
