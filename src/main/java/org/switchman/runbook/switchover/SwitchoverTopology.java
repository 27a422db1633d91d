package org.switchman.runbook.switchover;

import java.util.List;
import java.util.Map;

/**
 * What a MediaWiki switchover touches, per datacenter. In production it comes from configuration;
 * the lab fills it from its own topology.
 *
 * @param datacenters the core datacenters, e.g. eqiad and codfw
 * @param services the active/passive discovery records that move (appservers-rw, api-rw, …)
 * @param sections the database sections whose masters are locked down, in order
 * @param maintenanceHosts the maintenance hosts (mw-cron timers) by datacenter
 * @param jobrunners the jobrunner hosts whose envoy is restarted, by datacenter
 * @param dbMasterHosts the database master hosts (puppet, read-only check downtimes) by datacenter
 * @param maintenanceUnit the systemd unit that runs the periodic maintenance jobs
 * @param deploymentServer the deployment server where scap's global lock is taken; its second name
 *     label is its datacenter (deploy1001.eqiad.wmnet)
 * @param siteInfoHosts the application servers whose MediaWiki siteinfo is checked, by datacenter
 */
public record SwitchoverTopology(
    List<String> datacenters,
    List<String> services,
    List<String> sections,
    Map<String, List<String>> maintenanceHosts,
    Map<String, List<String>> jobrunners,
    Map<String, List<String>> dbMasterHosts,
    String maintenanceUnit,
    String deploymentServer,
    Map<String, List<String>> siteInfoHosts) {

  public SwitchoverTopology {
    datacenters = List.copyOf(datacenters);
    services = List.copyOf(services);
    sections = List.copyOf(sections);
    maintenanceHosts = Map.copyOf(maintenanceHosts);
    jobrunners = Map.copyOf(jobrunners);
    dbMasterHosts = Map.copyOf(dbMasterHosts);
    siteInfoHosts = Map.copyOf(siteInfoHosts);
  }

  /** The name a discovery record points to while the service is active in {@code dc}. */
  static String discoveryTarget(String service, String dc) {
    return service + ".svc." + dc + ".wmnet.";
  }

  List<String> maintenanceHosts(String dc) {
    return maintenanceHosts.getOrDefault(dc, List.of());
  }

  List<String> jobrunners(String dc) {
    return jobrunners.getOrDefault(dc, List.of());
  }

  /** The datacenter of {@link #deploymentServer}: the second label of its name. */
  String deploymentServerDc() {
    String[] labels = deploymentServer.split("\\.");
    return labels.length > 1 ? labels[1] : "";
  }

  List<String> siteInfoHosts(String dc) {
    return siteInfoHosts.getOrDefault(dc, List.of());
  }

  List<String> dbMasterHosts(String dc) {
    return dbMasterHosts.getOrDefault(dc, List.of());
  }
}
