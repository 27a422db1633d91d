package org.switchman.process.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counts escalations of operator decisions that keep MediaWiki read-only while they wait: {@code
 * switchman.decision.waiting.escalations{runbook,task}} (Prometheus {@code
 * switchman_decision_waiting_escalations_total}), one per escalation, so a decision escalated three
 * times counts three.
 */
@Component
public class DecisionEscalations {

  private final MeterRegistry registry;

  public DecisionEscalations(MeterRegistry registry) {
    this.registry = registry;
  }

  public void escalated(String runbook, String task) {
    Counter.builder("switchman.decision.waiting.escalations")
        .description("Escalations of operator decisions waiting inside the read-only window")
        .tag("runbook", runbook == null ? "unknown" : runbook)
        .tag("task", task == null ? "unknown" : task)
        .register(registry)
        .increment();
  }
}
