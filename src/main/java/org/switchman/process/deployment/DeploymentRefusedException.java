package org.switchman.process.deployment;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A deployment the guard refused, as a whole: nothing of it is deployed. The message names every
 * element and rule, for example {@code Deployment refused: innocent.bpmn: StartEvent_1:
 * [start-event] a timer start event starts runs with no user behind them}. The REST API answers it
 * with 400.
 */
public class DeploymentRefusedException extends RuntimeException {

  private final List<Refusal> refusals;

  public DeploymentRefusedException(List<Refusal> refusals) {
    super(
        "Deployment refused: "
            + refusals.stream().map(Refusal::toString).collect(Collectors.joining("; ")));
    this.refusals = List.copyOf(refusals);
  }

  public List<Refusal> refusals() {
    return refusals;
  }
}
