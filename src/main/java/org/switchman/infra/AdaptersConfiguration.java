package org.switchman.infra;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.switchman.config.DbProperties;
import org.switchman.config.DnsProperties;
import org.switchman.config.EtcdProperties;
import org.switchman.config.LabProfile;
import org.switchman.config.SshProperties;
import org.switchman.infra.dns.DnsJavaDiscovery;
import org.switchman.infra.etcd.EtcdConftool;
import org.switchman.infra.etcd.EtcdRunbookLock;
import org.switchman.infra.etcd.EtcdStore;
import org.switchman.infra.mysql.MariaDbMasters;
import org.switchman.infra.ssh.SshRemoteExecutor;

/**
 * The adapters, each created when its settings are present ({@code switchman.ssh.key-file}, {@code
 * switchman.etcd.endpoints}, {@code switchman.db.admin-user}, {@code switchman.dns.server}) or when
 * the {@code lab} profile provides them from the running lab ({@code lab-attach}: from a lab
 * running in another process). Each adapter validates its settings when it is created, so a wrong
 * setting stops the startup with a message naming it.
 */
@Configuration(proxyBeanMethods = false)
public class AdaptersConfiguration {

  @Bean(destroyMethod = "close")
  @Conditional(SshConfigured.class)
  SshRemoteExecutor remoteExecutor(SshProperties settings, Mutations mutations) {
    return new SshRemoteExecutor(settings, mutations);
  }

  @Bean(destroyMethod = "close")
  @Conditional(EtcdConfigured.class)
  EtcdStore etcdStore(EtcdProperties settings) {
    EtcdStore store = new EtcdStore(settings);
    store.connectInBackground();
    return store;
  }

  @Bean
  @Conditional(EtcdConfigured.class)
  EtcdConftool conftool(EtcdStore etcd, Mutations mutations) {
    return new EtcdConftool(etcd, mutations);
  }

  @Bean(destroyMethod = "close")
  @Conditional(EtcdConfigured.class)
  EtcdRunbookLock runbookLock(EtcdStore etcd) {
    return new EtcdRunbookLock(etcd);
  }

  @Bean
  @Conditional(DbConfigured.class)
  MariaDbMasters dbMasters(DbProperties settings, Mutations mutations) {
    return new MariaDbMasters(settings, mutations);
  }

  @Bean
  @Conditional(DnsConfigured.class)
  DnsJavaDiscovery dnsDiscovery(DnsProperties settings, Mutations mutations) {
    return new DnsJavaDiscovery(settings, mutations);
  }

  /** True when a property is set or a lab provides the settings (its servers, or lab-attach). */
  private abstract static class ConfiguredOrLab implements Condition {
    private final String property;

    ConfiguredOrLab(String property) {
      this.property = property;
    }

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String value = context.getEnvironment().getProperty(property);
      boolean lab = LabProfile.providesAdapters(context.getEnvironment());
      return lab || (value != null && !value.isBlank());
    }
  }

  static final class SshConfigured extends ConfiguredOrLab {
    SshConfigured() {
      super("switchman.ssh.key-file");
    }
  }

  static final class EtcdConfigured extends ConfiguredOrLab {
    EtcdConfigured() {
      super("switchman.etcd.endpoints[0]");
    }

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return super.matches(context, metadata)
          || context.getEnvironment().getProperty("switchman.etcd.endpoints") != null;
    }
  }

  static final class DbConfigured extends ConfiguredOrLab {
    DbConfigured() {
      super("switchman.db.admin-user");
    }
  }

  static final class DnsConfigured extends ConfiguredOrLab {
    DnsConfigured() {
      super("switchman.dns.server");
    }
  }
}
