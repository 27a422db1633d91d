package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.OLD_TTL_WAIT;
import static org.switchman.process.switchover.SwitchoverVars.ORIGINAL_TTLS;

import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.switchover.Switchover;

/** Phase 0: reads the discovery TTLs from DNS, reduces them, and sets the wait for the old TTL. */
@Component
public class ReduceDiscoveryTtlDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public ReduceDiscoveryTtlDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    // each TTL is committed as read, before its record changes, and the first reading is kept: a
    // retry or a resume after a crash neither re-measures nor forgets it
    Map<String, Long> original =
        steps.checked(
            execution,
            () ->
                steps
                    .switchover()
                    .reduceTtl(
                        steps.context(execution),
                        steps.ttls(execution),
                        steps.settings().shortTtl().toSeconds(),
                        steps.settings().ttlIfUnknown(),
                        (service, ttl) -> {
                          Map<String, Long> kept = steps.ttls(execution);
                          if (kept.putIfAbsent(service, ttl) == null) {
                            steps
                                .runs()
                                .recordAtOnce(execution, ORIGINAL_TTLS, steps.ttlsText(kept));
                          }
                        }));
    Map<String, Long> kept = steps.ttls(execution);
    original.forEach(kept::putIfAbsent);
    steps.runs().record(execution, ORIGINAL_TTLS, steps.ttlsText(kept));
    execution.setVariable(OLD_TTL_WAIT, Switchover.oldTtlWait(steps.ttls(execution)).toString());
  }
}
