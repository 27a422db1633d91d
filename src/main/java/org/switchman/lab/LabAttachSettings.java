package org.switchman.lab;

import java.nio.file.Path;
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
 * The {@code lab-attach} profile: the adapters drive a lab that another process started and keeps
 * running, read from that lab's {@code lab.env}, with the same settings as {@link
 * LabAdapterSettings}. No lab starts or stops with the application, so the application can be
 * killed and restarted while the lab keeps its state (crash tests do exactly that).
 *
 * <p>The file is {@code switchman.lab.env-file}, by default {@code lab.env} in {@code
 * switchman.lab.dir}, or else in {@code <switchman.data-dir>/lab} (where {@code scripts/demo}'s lab
 * writes it).
 *
 * <p>This profile brings no users and no passwords: outside the {@code lab} profile the
 * administrator and the journal key must be configured as in production. Together with {@code lab}
 * and {@code switchman.lab.servers=false} it gets the lab's demo users and the lab's own engine
 * database; with the lab's own servers on it refuses to start, since two labs would be driven at
 * once.
 */
@Configuration(proxyBeanMethods = false)
@Profile(LabProfile.ATTACH)
public class LabAttachSettings {

  /** The property naming the attached lab's {@code lab.env}. */
  public static final String ENV_FILE = "switchman.lab.env-file";

  @Bean
  LabEnv attachedLab(Environment environment) {
    if (LabProfile.hasServers(environment)) {
      throw new IllegalStateException(
          "The '"
              + LabProfile.ATTACH
              + "' profile drives a lab that"
              + " runs elsewhere, but the '"
              + LabProfile.NAME
              + "' profile starts its own lab here."
              + " Set "
              + LabProfile.SERVERS
              + "=false, or drop one of the two profiles.");
    }
    return LabEnv.read(envFile(environment));
  }

  static Path envFile(Environment environment) {
    Binder binder = Binder.get(environment);
    String file = binder.bind(ENV_FILE, String.class).orElse("");
    if (!file.isBlank()) {
      return Path.of(file);
    }
    String dir = binder.bind("switchman.lab.dir", String.class).orElse("");
    if (!dir.isBlank()) {
      return Path.of(dir, "lab.env");
    }
    return binder
        .bind("switchman.data-dir", Path.class)
        .orElse(Path.of("data"))
        .resolve("lab")
        .resolve("lab.env");
  }

  @Bean
  @Primary
  SshProperties attachedLabSsh(LabEnv lab) {
    return LabAdapterSettings.ssh(
        lab.sshUser(), lab.clientKeyFile(), lab.knownHostsFile(), lab.hostsFile(), lab.sshPort());
  }

  @Bean
  @Primary
  EtcdProperties attachedLabEtcd(LabEnv lab, org.springframework.core.env.Environment environment) {
    return LabAdapterSettings.etcd(lab.etcdEndpoint(), environment);
  }

  @Bean
  @Primary
  DnsProperties attachedLabDns(LabEnv lab) {
    return LabAdapterSettings.dns(lab.dnsServer(), lab.dnsPort(), lab.tsigKeyFile());
  }

  @Bean
  @Primary
  DbProperties attachedLabDb(LabEnv lab) {
    return LabAdapterSettings.db(lab.mysqlAdminUser(), lab.mysqlAdminPasswordFile(), lab.config());
  }

  @Bean
  @Primary
  SwitchoverProperties attachedLabSwitchover(LabEnv lab, Environment environment) {
    return LabAdapterSettings.switchover(lab.topology(), lab.config().discoveryTtl(), environment);
  }
}
