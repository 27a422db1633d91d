package org.switchman.process.reboot;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.restart.RestartPlan;

/**
 * Asks the host to reboot ({@code reboot}, or {@code reboot -f} when it is not clean), telling from
 * the host's boot id whether that is still to be done. Before the first request it commits the boot
 * id the host runs ({@value RebootSteps#BOOT_ID_BEFORE}) and then the moment of the request
 * ({@value RebootSteps#REQUESTED_AT}); a later attempt (a job retried after a crash, or a retry
 * after an operator decision) asks again only when the host answers with that same boot id {@value
 * #ASK_AGAIN_AFTER_MINUTES} minutes after the last request: one that did not answer yet, or answers
 * with a new boot id, is rebooting or rebooted, and is never rebooted twice.
 */
@Component
public class RebootHostDelegate implements JavaDelegate {

  /**
   * How long a host may keep its old boot after a request (a slow shutdown) before the request is
   * taken as lost, in minutes.
   */
  static final long ASK_AGAIN_AFTER_MINUTES = 10;

  static final Duration ASK_AGAIN_AFTER = Duration.ofMinutes(ASK_AGAIN_AFTER_MINUTES);

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
          String before = frozen.get(RebootSteps.BOOT_ID_BEFORE);
          if (before == null) {
            before =
                steps
                    .reboot()
                    .bootId(host)
                    .orElseThrow(
                        () ->
                            new CheckFailedException(
                                "host-reachable",
                                host.fqdn()
                                    + " does not answer: the run reboots only a host it can see"
                                    + " first"));
            steps.runs().recordAtOnce(execution, RebootSteps.BOOT_ID_BEFORE, before);
          }
          if (requested.isPresent() && !lost(host, before, requested.get())) {
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

  /**
   * Whether an earlier request went unheeded: long after it, the host answers with the boot it had
   * before.
   */
  private boolean lost(RestartPlan.Host host, String before, Instant requested) {
    if (RebootSteps.now().isBefore(requested.plus(ASK_AGAIN_AFTER))) {
      return false;
    }
    return steps.reboot().bootId(host).map(before::equals).orElse(false);
  }
}
