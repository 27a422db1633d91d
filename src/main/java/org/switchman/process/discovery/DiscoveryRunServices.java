package org.switchman.process.discovery;

import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.switchman.audit.report.RunServices;
import org.switchman.audit.report.ServiceProgress;
import org.switchman.runbook.port.RunParameters;

/**
 * The services of a {@code discovery-datacenter} run and where each stands, from the plan the run
 * froze at its start and what its steps record about each service ({@code pooling.SERVICE.*}). A
 * run without a pooling plan has no services.
 */
@Component
public class DiscoveryRunServices implements RunServices {

  private final RunParameters parameters;

  public DiscoveryRunServices(RunParameters parameters) {
    this.parameters = parameters;
  }

  @Override
  public List<ServiceProgress> of(String runId) {
    return of(parameters.all(runId));
  }

  static List<ServiceProgress> of(Map<String, String> frozen) {
    return DiscoverySteps.plan(frozen).stream()
        .map(planned -> DiscoverySteps.withChoice(frozen, planned))
        .map(
            change ->
                new ServiceProgress(
                    change.service(),
                    change.describe(),
                    stage(frozen.get(DiscoverySteps.parameter(change.service(), "state"))),
                    frozen.getOrDefault(DiscoverySteps.parameter(change.service(), "dns"), "")))
        .toList();
  }

  private static String stage(String state) {
    return state == null
        ? "waiting"
        : switch (state) {
          case DiscoverySteps.CHANGING -> "changing";
          case DiscoverySteps.CHANGED -> "done";
          case DiscoverySteps.SKIPPED -> "skipped";
          case DiscoverySteps.RESTORED -> "put back";
          case DiscoverySteps.LEFT_ALONE -> "left alone";
          default -> state;
        };
  }
}
