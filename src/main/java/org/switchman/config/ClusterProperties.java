package org.switchman.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the nodes sharing one engine database watch each other ({@code switchman.cluster.*}).
 *
 * <p>A node writes a heartbeat every {@code heartbeatInterval}; the others release the jobs of a
 * node that stopped, or that has not beaten for {@code deadAfter}, so that its steps run again
 * elsewhere. The defaults (5 s, 30 s) move a dead node's work within about 36 s: {@code deadAfter},
 * plus up to one interval until a survivor's next round, plus the job executor's acquisition wait.
 * {@code deadAfter} must outlast a node's longest pause that is not death (a garbage collection, a
 * stalled disk, a failover of the database), since a node silent that long has its running steps
 * taken over.
 *
 * @param heartbeatInterval how often a node beats, extends the locks of its running jobs and looks
 *     for silent nodes
 * @param deadAfter how long a node may be silent before its jobs are released; at least three
 *     intervals
 * @param startLockWait how long a starting node waits for another node's start to finish before it
 *     gives up (starts are serialized on PostgreSQL: schema, tables, users, deployments)
 */
@ConfigurationProperties("switchman.cluster")
public record ClusterProperties(
    Duration heartbeatInterval, Duration deadAfter, Duration startLockWait) {

  public ClusterProperties {
    heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval;
    deadAfter = deadAfter == null ? Duration.ofSeconds(30) : deadAfter;
    startLockWait = startLockWait == null ? Duration.ofMinutes(10) : startLockWait;
    if (heartbeatInterval.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalStateException(
          "switchman.cluster.heartbeat-interval is " + heartbeatInterval + "; at least 100 ms");
    }
    if (deadAfter.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
      throw new IllegalStateException(
          "switchman.cluster.dead-after ("
              + deadAfter
              + ") must be at least three heartbeat intervals ("
              + heartbeatInterval.multipliedBy(3)
              + "), or a node that misses one beat is taken for dead");
    }
    if (startLockWait.isNegative()) {
      throw new IllegalStateException("switchman.cluster.start-lock-wait must not be negative");
    }
  }
}
