package org.switchman.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The datacenter switchover ({@code switchman.switchover.*}). The database sections come from
 * {@code switchman.db.sections}.
 *
 * @param datacenters the core datacenters
 * @param services the active/passive discovery records the switchover moves
 * @param maintenanceHosts the maintenance hosts by datacenter
 * @param jobrunners the jobrunner hosts by datacenter
 * @param dbMasterHosts the database master hosts by datacenter (puppet, check downtimes)
 * @param maintenanceUnit the systemd unit of the periodic maintenance jobs
 * @param deploymentServer the deployment server where the run takes scap's global lock; the second
 *     label of its name is its datacenter (deploy1001.eqiad.wmnet)
 * @param siteInfoHosts the application servers whose MediaWiki siteinfo is checked, by datacenter
 * @param siteInfoWait how long MediaWiki may take to report a change of ReadOnly or of the master
 *     datacenter in its siteinfo before the step fails
 * @param masterChangeSettle how long after the change of the master datacenter began the run waits
 *     before phase 6 (default the short discovery TTL, 10 s, as the automation pads phase 4)
 * @param catchUpAttempts how often a section's catch-up is checked before the operator is asked
 * @param catchUpInterval the pause between two catch-up checks
 * @param commandTimeout the limit for one remote command
 * @param maxLagSeconds the replication lag the pre-checks accept
 * @param approvalTimeout how long a GO/NOGO waits before it expires and the run stops
 * @param approvalReminder when approvers are reminded of a waiting GO/NOGO
 * @param ttlIfUnknown the TTL to restore for a record found already reduced before the run
 * @param shortTtl the TTL the discovery records get while the run switches them, in whole seconds
 *     (production's DNS_SHORT_TTL, 10 s); a record at or below it counts as already reduced
 * @param decisionEscalationFirst how long an operator decision inside the read-only window waits
 *     before its first escalation (ops log, webhook, journal, metric)
 * @param decisionEscalationInterval how often it is escalated again until it is decided
 * @param readOnlyOverrunInterval how often an overrun of the read-only budget is escalated again
 *     while the window stays open
 */
@ConfigurationProperties("switchman.switchover")
public record SwitchoverProperties(
    List<String> datacenters,
    List<String> services,
    Map<String, List<String>> maintenanceHosts,
    Map<String, List<String>> jobrunners,
    Map<String, List<String>> dbMasterHosts,
    String maintenanceUnit,
    String deploymentServer,
    Map<String, List<String>> siteInfoHosts,
    Duration siteInfoWait,
    Duration masterChangeSettle,
    Integer catchUpAttempts,
    Duration catchUpInterval,
    Duration commandTimeout,
    Long maxLagSeconds,
    Duration approvalTimeout,
    Duration approvalReminder,
    Long ttlIfUnknown,
    Duration shortTtl,
    Duration decisionEscalationFirst,
    Duration decisionEscalationInterval,
    Duration readOnlyOverrunInterval) {

  public static final List<String> DEFAULT_SERVICES =
      List.of("appservers-rw", "api-rw", "jobrunner", "videoscaler", "parsoid-php");

  /**
   * Fills in the defaults and checks the times and counts.
   *
   * @throws IllegalStateException naming the time or count that is wrong and its value
   */
  public SwitchoverProperties {
    datacenters =
        datacenters == null || datacenters.isEmpty()
            ? List.of("eqiad", "codfw")
            : List.copyOf(datacenters);
    services = services == null || services.isEmpty() ? DEFAULT_SERVICES : List.copyOf(services);
    maintenanceHosts = maintenanceHosts == null ? Map.of() : Map.copyOf(maintenanceHosts);
    jobrunners = jobrunners == null ? Map.of() : Map.copyOf(jobrunners);
    dbMasterHosts = dbMasterHosts == null ? Map.of() : Map.copyOf(dbMasterHosts);
    maintenanceUnit =
        maintenanceUnit == null || maintenanceUnit.isBlank() ? "mw-cron" : maintenanceUnit;
    deploymentServer = deploymentServer == null ? "" : deploymentServer.strip();
    siteInfoHosts = siteInfoHosts == null ? Map.of() : Map.copyOf(siteInfoHosts);
    siteInfoWait = siteInfoWait == null ? Duration.ofSeconds(15) : siteInfoWait;
    masterChangeSettle = masterChangeSettle == null ? Duration.ofSeconds(10) : masterChangeSettle;
    catchUpAttempts = catchUpAttempts == null ? 20 : catchUpAttempts;
    catchUpInterval = catchUpInterval == null ? Duration.ofMillis(250) : catchUpInterval;
    commandTimeout = commandTimeout == null ? Duration.ofSeconds(60) : commandTimeout;
    maxLagSeconds = maxLagSeconds == null ? 5L : maxLagSeconds;
    approvalTimeout = approvalTimeout == null ? Duration.ofMinutes(30) : approvalTimeout;
    approvalReminder = approvalReminder == null ? Duration.ofMinutes(15) : approvalReminder;
    ttlIfUnknown = ttlIfUnknown == null ? 300L : ttlIfUnknown;
    shortTtl = shortTtl == null ? Duration.ofSeconds(10) : shortTtl;
    decisionEscalationFirst =
        decisionEscalationFirst == null ? Duration.ofMinutes(1) : decisionEscalationFirst;
    decisionEscalationInterval =
        decisionEscalationInterval == null ? Duration.ofMinutes(3) : decisionEscalationInterval;
    readOnlyOverrunInterval =
        readOnlyOverrunInterval == null ? Duration.ofMinutes(3) : readOnlyOverrunInterval;
    // the times and counts, checked here so that the binding fails and a node with a wrong one
    // refuses to start, instead of failing a run's first switchover step
    if (catchUpAttempts < 1) {
      throw new IllegalStateException(
          "switchman.switchover.catch-up-attempts must be at least 1, not " + catchUpAttempts);
    }
    notNegative("catch-up-interval", catchUpInterval);
    positive("command-timeout", commandTimeout);
    if (maxLagSeconds < 0) {
      throw new IllegalStateException(
          "switchman.switchover.max-lag-seconds must not be negative, not " + maxLagSeconds);
    }
    positive("approval-reminder", approvalReminder);
    if (approvalReminder.compareTo(approvalTimeout) >= 0) {
      throw new IllegalStateException(
          "switchman.switchover.approval-reminder ("
              + approvalReminder
              + ") must come before switchman.switchover.approval-timeout ("
              + approvalTimeout
              + ")");
    }
    if (ttlIfUnknown < 1) {
      throw new IllegalStateException(
          "switchman.switchover.ttl-if-unknown must be at least 1 (seconds), not " + ttlIfUnknown);
    }
    positive("decision-escalation-first", decisionEscalationFirst);
    positive("decision-escalation-interval", decisionEscalationInterval);
    positive("read-only-overrun-interval", readOnlyOverrunInterval);
    positive("siteinfo-wait", siteInfoWait);
    if (shortTtl.toSeconds() < 1 || shortTtl.getNano() != 0) {
      throw new IllegalStateException(
          "switchman.switchover.short-ttl must be a whole number of seconds, at least 1 s, not "
              + shortTtl);
    }
    notNegative("master-change-settle", masterChangeSettle);
  }

  /**
   * The hosts and the deployment server, checked when the first switchover step builds its steps: a
   * node that runs no switchover needs none of them. The times and counts were checked by the
   * constructor, so when the settings were bound.
   *
   * @throws IllegalStateException naming the setting that is wrong
   */
  public SwitchoverProperties validated() {
    String[] serverLabels = deploymentServer.split("\\.");
    if (serverLabels.length < 2 || !datacenters.contains(serverLabels[1])) {
      throw new IllegalStateException(
          "switchman.switchover.deployment-server must name the deployment server with its"
              + " datacenter as the second label (deploy1001.eqiad.wmnet), not '"
              + deploymentServer
              + "'");
    }
    for (String dc : datacenters) {
      if (maintenanceHosts.getOrDefault(dc, List.of()).isEmpty()) {
        throw new IllegalStateException(
            "switchman.switchover.maintenance-hosts." + dc + " is empty");
      }
      if (siteInfoHosts.getOrDefault(dc, List.of()).isEmpty()) {
        throw new IllegalStateException("switchman.switchover.siteinfo-hosts." + dc + " is empty");
      }
      if (dbMasterHosts.getOrDefault(dc, List.of()).isEmpty()) {
        throw new IllegalStateException("switchman.switchover.db-master-hosts." + dc + " is empty");
      }
    }
    return this;
  }

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalStateException(
          "switchman.switchover." + name + " must be longer than zero, not " + value);
    }
  }

  private static void notNegative(String name, Duration value) {
    if (value.isNegative()) {
      throw new IllegalStateException(
          "switchman.switchover." + name + " must not be negative, not " + value);
    }
  }

  /** Every setting at its default, for code that runs without the configuration bound. */
  public static SwitchoverProperties defaults() {
    return new SwitchoverProperties(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null);
  }
}
