package org.switchman.process.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counts failed steps: {@code switchman.steps.failed{runbook,step,cause}} (Prometheus {@code
 * switchman_steps_failed_total}). {@code cause} says why the run went to an operator decision:
 * {@code check-failed} (a step's check did not hold), {@code refused} (a server refused a change),
 * {@code retries-exhausted} (a failure that retrying did not cure); or it is {@code incident} when
 * the engine raised an incident (a step that failed after its retries and offers no decision).
 */
@Component
public class StepFailures {

  public static final String CHECK_FAILED = "check-failed";
  public static final String REFUSED = "refused";
  public static final String RETRIES_EXHAUSTED = "retries-exhausted";
  public static final String INCIDENT = "incident";

  private final MeterRegistry registry;

  public StepFailures(MeterRegistry registry) {
    this.registry = registry;
  }

  public void failed(String runbook, String step, String cause) {
    Counter.builder("switchman.steps.failed")
        .description("Steps that failed")
        .tag("runbook", runbook == null ? "unknown" : runbook)
        .tag("step", step == null ? "unknown" : step)
        .tag("cause", cause)
        .register(registry)
        .increment();
  }

  /** The runbook key of a process definition id ({@code key:version:id}). */
  public static String runbookOf(String processDefinitionId) {
    if (processDefinitionId == null) {
      return null;
    }
    int colon = processDefinitionId.indexOf(':');
    return colon < 0 ? processDefinitionId : processDefinitionId.substring(0, colon);
  }
}
