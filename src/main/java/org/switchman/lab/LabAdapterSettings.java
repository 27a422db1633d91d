package org.switchman.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.switchman.config.DbProperties;
import org.switchman.config.DnsProperties;
import org.switchman.config.EtcdProperties;
import org.switchman.config.LabProfile;
import org.switchman.config.SshProperties;
import org.switchman.config.SwitchoverProperties;

/**
 * The {@code lab} profile points the adapters at the running lab: its endpoints, its known_hosts,
 * client key and TSIG key, and its MariaDB admin password file (mode 0600, removed with the lab).
 *
 * <p>The lab starts in the background while these beans are created; each first waits for the start
 * ({@link Lab#awaitStarted}, bounded by {@code switchman.lab.start-timeout}), so a setting never
 * names a file the lab has not written yet, and a lab that failed stops the application with the
 * lab's own error.
 *
 * <p>The static builders below are shared with {@link LabAttachSettings}, which points the adapters
 * at a lab running in another process, so both profiles drive a lab the same way.
 */
@Configuration(proxyBeanMethods = false)
@Profile("lab")
@ConditionalOnProperty(name = LabProfile.SERVERS, havingValue = "true", matchIfMissing = true)
public class LabAdapterSettings {

  @Bean
  @Primary
  SshProperties labSsh(Lab starting) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    return ssh(
        lab.sshUser(), lab.clientKeyFile(), lab.knownHostsFile(), lab.hostsFile(), lab.sshPort());
  }

  @Bean
  @Primary
  EtcdProperties labEtcd(Lab starting, Environment environment) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    return etcd(lab.etcdEndpoint(), environment);
  }

  @Bean
  @Primary
  DnsProperties labDns(Lab starting) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    return dns(lab.dnsServer(), lab.dnsPort(), lab.tsigKeyFile());
  }

  @Bean
  @Primary
  DbProperties labDb(Lab starting) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    return db(lab.mysqlAdminUser(), lab.mysqlAdminPasswordFile(), lab.config());
  }

  /**
   * The switchover's hosts from the lab topology; short catch-up and approval settings stay
   * default.
   */
  @Bean
  @Primary
  SwitchoverProperties labSwitchover(Lab starting, Environment environment) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    return switchover(lab.topology(), lab.config().discoveryTtl(), environment);
  }

  static SshProperties ssh(String user, Path clientKey, Path knownHosts, Path hostsFile, int port) {
    return new SshProperties(
        user,
        clientKey,
        knownHosts,
        hostsFile,
        port,
        Duration.ofSeconds(3),
        Duration.ofSeconds(60),
        64,
        64 * 1024);
  }

  /** The lab's etcd; the lock TTL is {@code switchman.etcd.lock-ttl} if set, else 30 s. */
  static EtcdProperties etcd(String endpoint, Environment environment) {
    Duration lockTtl =
        Binder.get(environment)
            .bind("switchman.etcd.lock-ttl", Duration.class)
            .orElse(Duration.ofSeconds(30));
    return new EtcdProperties(List.of(endpoint), Duration.ofSeconds(3), lockTtl).validated();
  }

  static DnsProperties dns(String server, int port, Path tsigKeyFile) {
    return new DnsProperties(server, port, "discovery.wmnet", tsigKeyFile, Duration.ofSeconds(3));
  }

  /** Every master of the lab's sections in both datacenters, on its lab port. */
  static DbProperties db(String adminUser, Path passwordFile, LabConfig config) {
    Map<String, String> masters = new HashMap<>();
    for (String section : config.sections()) {
      for (String dc : LabTopology.DATACENTERS) {
        masters.put(section + "." + dc, "127.0.0.1:" + config.mysqlPort(section, dc));
      }
    }
    return new DbProperties(
        adminUser,
        passwordFile,
        config.sections(),
        masters,
        Duration.ofSeconds(3),
        Duration.ofSeconds(10),
        LAB_NEWEST_EDIT);
  }

  /** The newest edit of the lab's write load on a master (its server runs in UTC). */
  static final String LAB_NEWEST_EDIT =
      "SELECT CONVERT_TZ(MAX(ts), @@session.time_zone, '+00:00') FROM wiki.edits";

  /**
   * The lab's hosts per datacenter with the configured {@code switchman.switchover.*} timings; a
   * TTL found already reduced counts as the lab's discovery TTL unless {@code
   * switchman.switchover.ttl-if-unknown} is set (crash tests set production's 300 s, so that a
   * resumed step that reports the fallback instead of the TTL it read shows in the restored TTLs).
   */
  static SwitchoverProperties switchover(
      LabTopology topology, Duration discoveryTtl, Environment environment) {
    Map<String, List<String>> maintenance = new HashMap<>();
    Map<String, List<String>> jobrunners = new HashMap<>();
    Map<String, List<String>> dbMasters = new HashMap<>();
    Map<String, List<String>> siteInfo = new HashMap<>();
    for (String dc : LabTopology.DATACENTERS) {
      maintenance.put(dc, hostsOf(topology, dc, "maintenance"));
      jobrunners.put(dc, hostsOf(topology, dc, "jobrunner"));
      siteInfo.put(dc, hostsOf(topology, dc, "api_appserver"));
      dbMasters.put(
          dc,
          topology.sections().stream()
              .map(section -> topology.dbMasterHost(section, dc).fqdn())
              .toList());
    }
    Binder binder = Binder.get(environment);
    SwitchoverProperties configured =
        binder
            .bind("switchman.switchover", SwitchoverProperties.class)
            .orElse(SwitchoverProperties.defaults());
    return new SwitchoverProperties(
        LabTopology.DATACENTERS,
        LabTopology.MEDIAWIKI_SERVICES,
        maintenance,
        jobrunners,
        dbMasters,
        "mw-cron",
        topology.deploymentServer(LabTopology.PRIMARY_DC).fqdn(),
        siteInfo,
        configured.siteInfoWait(),
        configured.masterChangeSettle(),
        configured.catchUpAttempts(),
        configured.catchUpInterval(),
        configured.commandTimeout(),
        configured.maxLagSeconds(),
        configured.approvalTimeout(),
        configured.approvalReminder(),
        environment.containsProperty("switchman.switchover.ttl-if-unknown")
            ? configured.ttlIfUnknown()
            : discoveryTtl.toSeconds(),
        configured.shortTtl(),
        configured.decisionEscalationFirst(),
        configured.decisionEscalationInterval(),
        configured.readOnlyOverrunInterval());
  }

  private static List<String> hostsOf(LabTopology topology, String dc, String cluster) {
    return topology.hosts().stream()
        .filter(host -> host.dc().equals(dc) && host.cluster().equals(cluster))
        .map(LabTopology.Host::fqdn)
        .toList();
  }
}
