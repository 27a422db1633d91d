package org.switchman.runbook.port;

import java.util.Map;
import java.util.Optional;

/**
 * A run's frozen parameters: the request as it was validated when the run started (mode,
 * datacenters, reason, ticket, durations, the starter) and the facts the run learns on its way (the
 * TTLs it read, the hosts whose maintenance it stopped, the pre-check report and the plan). They
 * live apart from the engine's process variables, so that no task completion, and no one but the
 * run's own steps, can change them.
 *
 * <p>Writes join the caller's transaction: a start or step that rolls back leaves nothing behind.
 * The exception are the facts a rollback or a restore needs, which a step learns just before it
 * changes the site: {@link #recordAtOnce} commits them before the change, so that a step that fails
 * or dies after the change cannot forget them.
 */
public interface RunParameters {

  /**
   * Stores a parameter once. A parameter already stored keeps its first value, so a retried step
   * neither re-measures nor forgets what the run learned.
   *
   * @return the value stored now: {@code value}, or the first value when there was one
   */
  String freeze(String runId, String name, String value);

  /** Stores a parameter, replacing an earlier value: for facts a retried step learns again. */
  void record(String runId, String name, String value);

  /**
   * Stores a parameter like {@link #record}, but commits it at once in a transaction of its own,
   * whatever becomes of the caller's. For a fact about the site learned before changing it. The
   * caller's transaction must not have written the same parameter.
   */
  void recordAtOnce(String runId, String name, String value);

  /** A parameter of the run, if stored. */
  Optional<String> get(String runId, String name);

  /** Every parameter of the run, by name. */
  Map<String, String> all(String runId);
}
