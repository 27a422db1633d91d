package org.switchman.runbook;

import java.util.Objects;

/**
 * Who acts, in which run and step, and how: everything the mutation choke point needs to decide
 * and to journal.
 *
 * @param runId the run (process instance) id, or a tool's own id outside the engine
 * @param step the step (activity id) that acts
 * @param actor the user on whose behalf the step acts (the run's starter, or the approver)
 * @param mode live, live-test or dry-run
 * @param activeDatacenter the datacenter that serves traffic when the run started; live-test
 *     refuses mutations aimed at it. May be {@code null} when the run touches no datacenter
 */
public record RunContext(String runId, String step, String actor, ExecutionMode mode,
    String activeDatacenter) {

  public RunContext {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(mode, "mode");
    if (mode == ExecutionMode.LIVE_TEST && activeDatacenter == null) {
      throw new IllegalArgumentException("live-test needs the active datacenter to protect");
    }
  }

  /** The same run and actor in another step. */
  public RunContext inStep(String otherStep) {
    return new RunContext(runId, otherStep, actor, mode, activeDatacenter);
  }
}
