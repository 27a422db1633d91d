package org.switchman.process.jobs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** This node's stable lock owner for the job executor ({@code switchman.node-name}, the host name by default). */
@Configuration(proxyBeanMethods = false)
public class JobExecutionConfiguration {

  @Bean
  NodeLockOwnerPlugin nodeLockOwnerPlugin(@Value("${switchman.node-name:}") String nodeName) {
    return new NodeLockOwnerPlugin(nodeName.isBlank() ? hostName() : nodeName);
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
      throw new IllegalStateException("This host's name cannot be read (" + e.getMessage()
          + "); set switchman.node-name to a name unique to this node", e);
    }
  }
}
