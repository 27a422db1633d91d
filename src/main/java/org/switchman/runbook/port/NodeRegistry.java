package org.switchman.runbook.port;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The nodes that share one engine database, each with its last heartbeat. Every age is measured by
 * the database's own clock, which all nodes share, so that a node whose clock is off is neither
 * taken for dead nor kept alive by it.
 */
public interface NodeRegistry {

  /**
   * A node as registered.
   *
   * @param name its job executor's lock owner ({@code switchman.node-name})
   * @param instance the start of the node that registered the name last (a new id at every start)
   * @param silentFor how long ago, by the database's clock, it last beat
   * @param stopped whether it said goodbye (a graceful stop)
   * @param released when the survivors released its jobs after it went silent or stopped, if they
   *     did since it last registered
   */
  record Node(
      String name,
      String instance,
      Duration silentFor,
      boolean stopped,
      Optional<Instant> released) {}

  /** The node registered under that name, if any. */
  Optional<Node> find(String name);

  /** Every registered node. */
  List<Node> all();

  /** Registers a start of a node, replacing what was registered under its name; its first beat. */
  void register(String name, String instance);

  /**
   * One heartbeat of the start {@code instance} of node {@code name}.
   *
   * @return {@code false} when that start is no longer the one registered under the name (another
   *     process registered it since) or its jobs were released (it was taken for dead), in which
   *     case nothing is written
   */
  boolean beat(String name, String instance);

  /** Records that the start {@code instance} of node {@code name} stopped gracefully. */
  void stopped(String name, String instance);

  /**
   * Records that the jobs of the start {@code instance} of node {@code name} were released by
   * {@code by}.
   *
   * @return {@code false} when another node recorded it first, or the node registered again
   */
  boolean released(String name, String instance, String by);

  /**
   * Moves the lock expiry of those of the jobs {@code jobIds} still locked by {@code owner} whose
   * lock would expire before {@code renewBefore} to {@code until}, without changing anything else
   * of the job (the engine checks a job's revision when it ends it).
   *
   * @return how many jobs were extended
   */
  int extendJobLocks(String owner, Collection<String> jobIds, Instant renewBefore, Instant until);
}
