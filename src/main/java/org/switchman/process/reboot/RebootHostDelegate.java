package org.switchman.process.reboot;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.restart.RestartPlan;

/**
 * Asks the host to reboot ({@code reboot}, or {@code reboot -f} when it is not clean), once: the
 * moment is committed before the command is sent ({@value RebootSteps#REQUESTED_AT}), and a retry
 * asks again only when the host still answers, up since before that moment, {@value
 * #ASK_AGAIN_AFTER} minutes later (the step died before its command reached the host).
 */
@Component
public class RebootHostDelegate implements JavaDelegate {

  /** How long after an unanswered request a retry asks for the reboot again, in minutes. */
  static final long ASK_AGAIN_AFTER = 5;

  private final RebootSteps steps;

  public RebootHostDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    RestartPlan.Host host = RebootSteps.host(frozen);
    boolean clean = Boolean.parseBoolean(frozen.get(RebootSteps.CLEAN));
    Optional<Instant> requested = RebootSteps.instant(frozen, RebootSteps.REQUESTED_AT);
    steps.checked(
        execution,
        () -> {
          if (requested.isPresent() && !unanswered(host, requested.get())) {
            return null;
          }
          steps
              .runs()
              .recordAtOnce(
                  execution, RebootSteps.REQUESTED_AT, RebootSteps.millis(RebootSteps.now()));
          steps.reboot().reboot(steps.context(execution), host, clean);
          return null;
        });
  }

  /** Whether an earlier request went unheeded: the host answers, up since before it, long after. */
  private boolean unanswered(RestartPlan.Host host, Instant requested) {
    if (RebootSteps.now().isBefore(requested.plus(Duration.ofMinutes(ASK_AGAIN_AFTER)))) {
      return false;
    }
    return steps.reboot().upSince(host).map(up -> up.isBefore(requested)).orElse(false);
  }
}
