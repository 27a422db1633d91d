package org.switchman.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Profile;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.switchman.config.LabProfile;
import org.switchman.config.DbProperties;
import org.switchman.config.SwitchoverProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.switchman.config.DnsProperties;
import org.switchman.config.EtcdProperties;
import org.switchman.config.SshProperties;

/**
 * The {@code lab} profile points the adapters at the running lab: its endpoints, its known_hosts,
 * client key and TSIG key, and its MariaDB admin password file (mode 0600, removed with the lab).
 *
 * <p>The lab starts in the background while these beans are created; each first waits for the
 * start ({@link Lab#awaitStarted}, bounded by {@code switchman.lab.start-timeout}), so a setting
 * never names a file the lab has not written yet, and a lab that failed stops the application
 * with the lab's own error.
 */
@Configuration(proxyBeanMethods = false)
@Profile("lab")
@ConditionalOnProperty(name = LabProfile.SERVERS, havingValue = "true", matchIfMissing = true)
public class LabAdapterSettings {

  @Bean
  @Primary
  SshProperties labSsh(Lab starting) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    return new SshProperties(lab.sshUser(), lab.clientKeyFile(), lab.knownHostsFile(),
        lab.hostsFile(), lab.sshPort(), Duration.ofSeconds(3), Duration.ofSeconds(60), 64,
        64 * 1024);
  }

  @Bean
  @Primary
  EtcdProperties labEtcd(Lab starting, Environment environment) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    Duration lockTtl = Binder.get(environment).bind("switchman.etcd.lock-ttl", Duration.class)
        .orElse(Duration.ofSeconds(30));
    return new EtcdProperties(List.of(lab.etcdEndpoint()), Duration.ofSeconds(3), lockTtl).validated();
  }

  @Bean
  @Primary
  DnsProperties labDns(Lab starting) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    return new DnsProperties(lab.dnsServer(), lab.dnsPort(), "discovery.wmnet", lab.tsigKeyFile(),
        Duration.ofSeconds(3));
  }

  @Bean
  @Primary
  DbProperties labDb(Lab starting) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    Path passwordFile = lab.mysqlAdminPasswordFile();
    Map<String, String> masters = new HashMap<>();
    for (String section : lab.topology().sections()) {
      for (String dc : LabTopology.DATACENTERS) {
        masters.put(section + "." + dc, "127.0.0.1:" + lab.mysqlPort(section, dc));
      }
    }
    return new DbProperties(lab.mysqlAdminUser(), passwordFile, lab.topology().sections(), masters,
        Duration.ofSeconds(3), Duration.ofSeconds(10));
  }

  /** The switchover's hosts from the lab topology; short catch-up and approval settings stay default. */
  @Bean
  @Primary
  SwitchoverProperties labSwitchover(Lab starting, Environment environment) {
    Lab lab = starting.awaitStarted(starting.startTimeout());
    Map<String, List<String>> maintenance = new HashMap<>();
    Map<String, List<String>> jobrunners = new HashMap<>();
    Map<String, List<String>> dbMasters = new HashMap<>();
    for (String dc : LabTopology.DATACENTERS) {
      maintenance.put(dc, hostsOf(lab, dc, "maintenance"));
      jobrunners.put(dc, hostsOf(lab, dc, "jobrunner"));
      dbMasters.put(dc, lab.topology().sections().stream()
          .map(section -> lab.topology().dbMasterHost(section, dc).fqdn()).toList());
    }
    Binder binder = Binder.get(environment);
    SwitchoverProperties configured = binder.bind("switchman.switchover",
        SwitchoverProperties.class).orElse(new SwitchoverProperties(null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null));
    return new SwitchoverProperties(LabTopology.DATACENTERS, LabTopology.MEDIAWIKI_SERVICES,
        maintenance, jobrunners, dbMasters, "mw-cron", configured.catchUpAttempts(),
        configured.catchUpInterval(), configured.commandTimeout(), configured.maxLagSeconds(),
        configured.approvalTimeout(), configured.approvalReminder(),
        lab.config().discoveryTtl().toSeconds(), configured.decisionEscalationFirst(),
        configured.decisionEscalationInterval(), configured.readOnlyOverrunInterval());
  }

  private static List<String> hostsOf(Lab lab, String dc, String cluster) {
    return lab.topology().hosts().stream()
        .filter(host -> host.dc().equals(dc) && host.cluster().equals(cluster))
        .map(LabTopology.Host::fqdn).toList();
  }
}
