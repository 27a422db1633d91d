package org.switchman.runbook.restart;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How one service is restarted, as one row of the service catalogue says ({@link
 * ServiceCatalogue}). A policy is valid by construction: {@link ServiceCatalogue#of} builds it only
 * from a row whose every value is in range.
 *
 * @param service the catalogue name an operator starts a restart with, such as {@code jobrunner}
 * @param clusters the conftool clusters whose hosts run it
 * @param units the systemd units restarted (or reloaded) on each host, in order
 * @param depoolFrom the conftool services a host is depooled from first; empty: never depooled
 * @param batchSize how many hosts of a cluster restart at once
 * @param batchMax the most hosts in one batch, whatever an operator asks
 * @param grace the wait after the depool, for requests in flight to finish
 * @param drain what runs after the grace, before the restart
 * @param pause the wait after a batch, before the next
 * @param preChecks what must hold on a host before it is touched
 * @param readiness what is polled after the restart until it holds, within {@code readinessLimit}
 * @param readinessLimit how long readiness may take (an Elasticsearch cluster: hours)
 * @param postChecks what must hold before a host is repooled
 * @param maxFailedBatches how many batches may fail (each failure put to an operator) before the
 *     run stops
 * @param approval whether a restart of it needs a GO from a second person
 * @param notifyTeam the team told before and after (such as {@code analytics}); empty: nobody
 */
public record ServicePolicy(
    String service,
    List<String> clusters,
    List<String> units,
    List<String> depoolFrom,
    BatchSize batchSize,
    int batchMax,
    Duration grace,
    Drain drain,
    Duration pause,
    List<HostCheck> preChecks,
    List<HostCheck> readiness,
    Duration readinessLimit,
    List<HostCheck> postChecks,
    int maxFailedBatches,
    boolean approval,
    String notifyTeam) {

  /** A systemd unit name: letters, digits and {@code @._-}, so it is safe in a shell command. */
  public static final Pattern UNIT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@._-]{0,127}");

  public ServicePolicy {
    clusters = List.copyOf(clusters);
    units = List.copyOf(units);
    depoolFrom = List.copyOf(depoolFrom);
    preChecks = List.copyOf(preChecks);
    readiness = List.copyOf(readiness);
    postChecks = List.copyOf(postChecks);
  }

  /** Whether hosts leave their pools for the restart. */
  public boolean depools() {
    return !depoolFrom.isEmpty();
  }
}
