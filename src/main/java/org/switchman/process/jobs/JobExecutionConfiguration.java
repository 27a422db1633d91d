package org.switchman.process.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.metrics.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.switchman.audit.JournalOutbox;
import org.switchman.config.ClusterProperties;
import org.switchman.config.DbProperties;
import org.switchman.config.DnsProperties;
import org.switchman.config.EtcdProperties;
import org.switchman.config.SshProperties;
import org.switchman.config.SwitchoverProperties;
import org.switchman.process.RunContexts;
import org.switchman.runbook.port.NodeRegistry;

/**
 * The job executor's part in running each step once: this node's stable lock owner ({@code
 * switchman.node-name}, the host name by default), its membership of the nodes sharing the engine
 * database ({@link ClusterMembership}) and the check of the job lock time against the longest step.
 */
@Configuration(proxyBeanMethods = false)
public class JobExecutionConfiguration {

  @Bean
  ClusterMembership clusterMembership(
      @Value("${switchman.node-name:}") String nodeName,
      NodeRegistry registry,
      ClusterProperties settings,
      JournalOutbox outbox,
      RunContexts runs) {
    return new ClusterMembership(
        nodeName.isBlank() ? hostName() : nodeName.strip(), registry, settings, outbox, runs);
  }

  @Bean
  NodeLockOwnerPlugin nodeLockOwnerPlugin(ClusterMembership membership) {
    return new NodeLockOwnerPlugin(membership.nodeName(), membership);
  }

  /** The next step of a run, across a called process too, on the thread of the step before it. */
  @Bean
  RunHandOffPlugin runHandOffPlugin() {
    return new RunHandOffPlugin();
  }

  /**
   * Every metric carries the node's name as the tag {@code node}, the name its job executor locks
   * jobs under, so that the nodes sharing one engine database report apart.
   */
  @Bean
  MeterRegistryCustomizer<MeterRegistry> nodeTag(NodeLockOwnerPlugin node) {
    return registry -> registry.config().commonTags("node", node.nodeName());
  }

  @Bean
  JobLockTimeCheck jobLockTimeCheck(
      ObjectProvider<JobExecutor> jobExecutor,
      ObjectProvider<SshProperties> ssh,
      ObjectProvider<EtcdProperties> etcd,
      ObjectProvider<DnsProperties> dns,
      ObjectProvider<DbProperties> db,
      ObjectProvider<SwitchoverProperties> switchover) {
    return new JobLockTimeCheck(jobExecutor, ssh, etcd, dns, db, switchover);
  }

  /** The host's name, which stays the same across restarts. */
  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String fromEnvironment = System.getenv("HOSTNAME");
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        return fromEnvironment;
      }
      throw new IllegalStateException(
          "This host's name cannot be read ("
              + e.getMessage()
              + "); set switchman.node-name to a name unique to this node",
          e);
    }
  }
}
