package org.switchman.runbook.restart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * How the hosts of one conftool cluster are rebooted (reference 002, and the reboot cookbooks of
 * {@code wmf-automation-notes.md} §3.3): a rule of the host profiles in the service catalogue
 * ({@link ServiceCatalogue#hostProfile}).
 *
 * @param cluster the conftool cluster whose hosts this profile describes
 * @param depoolFrom the conftool services a host is taken out of while it reboots (only where it
 *     was pooled)
 * @param units the host's systemd units, in the order they are started
 * @param filesystemUnits the units that depend on the slow-recovering filesystem: stopped before a
 *     clean reboot, in reverse order, and stopped again after a boot when they started before the
 *     filesystem was available
 * @param recovery what recovers after a boot, and how it is read
 * @param bootLimit how long the host may take to answer again after the reboot
 * @param recoveryLimit how long the recovery may run after the boot
 * @param startAttempts the units known to need several starts, each with the most starts it gets
 * @param restartAfter units of the host restarted once every unit is started (they use another unit
 *     that may have started late, as domtool-server uses PostgreSQL)
 * @param restartElsewhere units restarted on the other hosts of the same datacenter that depend on
 *     this one
 * @param smokeTest the checks that say the host serves again
 * @param grace the wait after the depool, for requests in flight
 * @param downtime how long the host's alerts are silenced
 * @param approval whether a live reboot waits for GO/NOGO from a second person
 */
public record HostProfile(
    String cluster,
    List<String> depoolFrom,
    List<String> units,
    List<String> filesystemUnits,
    FilesystemRecovery recovery,
    Duration bootLimit,
    Duration recoveryLimit,
    Map<String, Integer> startAttempts,
    List<String> restartAfter,
    List<Dependent> restartElsewhere,
    List<HostCheck> smokeTest,
    Duration grace,
    Duration downtime,
    boolean approval) {

  public HostProfile {
    depoolFrom = List.copyOf(depoolFrom);
    units = List.copyOf(units);
    filesystemUnits = List.copyOf(filesystemUnits);
    startAttempts = Map.copyOf(startAttempts);
    restartAfter = List.copyOf(restartAfter);
    restartElsewhere = List.copyOf(restartElsewhere);
    smokeTest = List.copyOf(smokeTest);
  }

  /**
   * A unit on other hosts that depends on this one.
   *
   * @param cluster the conftool cluster of those hosts, in the rebooted host's datacenter
   * @param unit the unit restarted on each of them
   */
  public record Dependent(String cluster, String unit) {
    @Override
    public String toString() {
      return unit + " on " + cluster;
    }
  }

  /** How many starts a unit gets: its {@link #startAttempts}, else one. */
  public int attempts(String unit) {
    return startAttempts.getOrDefault(unit, 1);
  }

  /** The filesystem units in the order they are stopped: the reverse of the start order. */
  public List<String> stopOrder() {
    List<String> order = new ArrayList<>(units);
    Collections.reverse(order);
    return order.stream().filter(filesystemUnits::contains).toList();
  }
}
