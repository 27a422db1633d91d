package org.switchman.process.reboot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostProfile;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.RestartPlan;

/**
 * Silences the host's alerts for its profile's downtime and takes it out of the pools it is in. The
 * entries it takes out are committed before it changes them ({@value RebootSteps#DEPOOLED}); a
 * retry reads them instead of looking again, so the repool puts back exactly what was pooled. Sets
 * {@code graceLeft}: what is left of the grace since the depool (nothing on a later retry).
 */
@Component
public class DowntimeAndDepoolHostDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public DowntimeAndDepoolHostDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    RestartPlan.Host host = RebootSteps.host(frozen);
    HostProfile profile = steps.profile(frozen);
    Instant depooledAt =
        steps.checked(
            execution,
            () -> {
              RunContext run = steps.context(execution);
              steps.reboot().downtime(run, profile, host, frozen.get("ticket"));
              List<HostRestart.PoolSlot> slots;
              if (frozen.containsKey(RebootSteps.DEPOOLED)) {
                slots = RebootSteps.depooled(frozen);
              } else {
                slots = steps.reboot().toDepool(profile, host);
                steps
                    .runs()
                    .recordAtOnce(
                        execution,
                        RebootSteps.DEPOOLED,
                        slots.isEmpty()
                            ? RebootSteps.NONE
                            : slots.stream()
                                .map(HostRestart.PoolSlot::toString)
                                .collect(Collectors.joining("\n")));
              }
              steps.reboot().depool(run, slots);
              return RebootSteps.instant(frozen, RebootSteps.DEPOOLED_AT)
                  .orElseGet(
                      () -> {
                        Instant now = RebootSteps.now();
                        steps
                            .runs()
                            .recordUnshown(
                                execution, RebootSteps.DEPOOLED_AT, RebootSteps.millis(now));
                        return now;
                      });
            });
    Duration left = Duration.between(RebootSteps.now(), depooledAt.plus(profile.grace()));
    execution.setVariable("graceLeft", (left.isNegative() ? Duration.ZERO : left).toString());
  }
}
