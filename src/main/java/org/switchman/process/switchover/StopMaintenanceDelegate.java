package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.MAINTENANCE_WAS_RUNNING;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunVariables;

/** Phase 1: stops the maintenance jobs in both datacenters; remembers where they ran. */
@Component
public class StopMaintenanceDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public StopMaintenanceDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    // each host is committed before its maintenance stops, so that a failure on a later host, or
    // a crash, cannot make the rollback forget where maintenance ran
    List<String> wereRunning =
        steps.checked(
            execution,
            () ->
                steps
                    .switchover()
                    .stopMaintenance(
                        steps.context(execution),
                        steps.request(execution),
                        host -> {
                          Set<String> known =
                              new LinkedHashSet<>(
                                  RunVariables.split(
                                      steps.frozen(execution, MAINTENANCE_WAS_RUNNING)));
                          if (known.add(host)) {
                            steps
                                .runs()
                                .recordAtOnce(
                                    execution, MAINTENANCE_WAS_RUNNING, String.join(",", known));
                          }
                        }));
    Set<String> all =
        new LinkedHashSet<>(RunVariables.split(steps.frozen(execution, MAINTENANCE_WAS_RUNNING)));
    all.addAll(wereRunning);
    steps.runs().record(execution, MAINTENANCE_WAS_RUNNING, String.join(",", all));
  }
}
