package org.switchman.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the restart runbooks wait ({@code switchman.restart.*}).
 *
 * @param maxPoll the longest pause between two looks at a host that is not fit or not ready yet
 *     (default 30 s); the pause is a twentieth of the service's readiness limit, at least 2 s and
 *     at most this
 * @param afterDeployShare the most of a cluster's hosts a restart after a deploy restarts at once,
 *     as a percentage (default 10; at least one host, never above the catalogue's batch maximum)
 */
@ConfigurationProperties("switchman.restart")
public record RestartProperties(Duration maxPoll, Integer afterDeployShare) {

  public RestartProperties {
    maxPoll = maxPoll == null ? Duration.ofSeconds(30) : maxPoll;
    afterDeployShare = afterDeployShare == null ? 10 : afterDeployShare;
    if (afterDeployShare < 1 || afterDeployShare > 100) {
      throw new IllegalStateException(
          "switchman.restart.after-deploy-share must be from 1 to 100 (%), not "
              + afterDeployShare);
    }
    if (maxPoll.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalStateException(
          "switchman.restart.max-poll must be at least 1 s, not " + maxPoll);
    }
  }
}
