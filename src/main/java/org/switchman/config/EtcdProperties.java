package org.switchman.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * etcd, which holds conftool's state and the runbook locks ({@code switchman.etcd.*}).
 *
 * @param endpoints e.g. {@code http://127.0.0.1:2379}
 * @param timeout how long one request may take before etcd counts as unavailable
 * @param lockTtl how long a lock outlives a holder that stopped renewing it
 */
@ConfigurationProperties("switchman.etcd")
public record EtcdProperties(List<String> endpoints, Duration timeout, Duration lockTtl) {

  public EtcdProperties {
    timeout = timeout == null ? Duration.ofSeconds(3) : timeout;
    lockTtl = lockTtl == null ? Duration.ofSeconds(30) : lockTtl;
  }

  public boolean configured() {
    return endpoints != null && !endpoints.isEmpty();
  }

  /**
   * @throws IllegalStateException naming the property
   */
  public EtcdProperties validated() {
    if (!configured()) {
      throw new IllegalStateException("switchman.etcd.endpoints is not set");
    }
    for (String endpoint : endpoints) {
      if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
        throw new IllegalStateException(
            "switchman.etcd.endpoints: '" + endpoint + "' is not an http(s) URL");
      }
    }
    if (lockTtl.toSeconds() < 2) {
      throw new IllegalStateException("switchman.etcd.lock-ttl must be at least 2 s");
    }
    return this;
  }
}
