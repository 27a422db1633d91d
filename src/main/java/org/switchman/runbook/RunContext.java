package org.switchman.runbook;

import java.util.Objects;

/**
 * Who acts, in which run and step, and how: everything the mutation choke point needs to decide and
 * to journal.
 *
 * @param runId the run (process instance) id, or a tool's own id outside the engine
 * @param step the step (activity id) that acts
 * @param actor the user on whose behalf the step acts (the run's starter, or the approver)
 * @param mode live, live-test or dry-run
 * @param activeDatacenter the datacenter that serves traffic when the run started; live-test
 *     refuses mutations aimed at it. May be {@code null} when the run touches no datacenter
 * @param stepInstance this attempt of the step (the engine's activity instance, new for every
 *     attempt, a retry or a resumption after a crash), or {@code null} outside the engine. Part of
 *     every mutation's idempotency key, and how an attempt tells its own changes from those an
 *     earlier attempt left open
 */
public record RunContext(
    String runId,
    String step,
    String actor,
    ExecutionMode mode,
    String activeDatacenter,
    String stepInstance) {

  /** A context outside the engine: no step instance. */
  public RunContext(
      String runId, String step, String actor, ExecutionMode mode, String activeDatacenter) {
    this(runId, step, actor, mode, activeDatacenter, null);
  }

  public RunContext {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(mode, "mode");
    if (mode == ExecutionMode.LIVE_TEST && activeDatacenter == null) {
      throw new IllegalArgumentException("live-test needs the active datacenter to protect");
    }
  }

  /** The same run, actor and attempt in another step (a part of this one, such as a section). */
  public RunContext inStep(String otherStep) {
    return new RunContext(runId, otherStep, actor, mode, activeDatacenter, stepInstance);
  }
}
