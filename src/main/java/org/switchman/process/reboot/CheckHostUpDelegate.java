package org.switchman.process.reboot;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.restart.HostProfile;

/**
 * Looks once whether the host answers again with an uptime shorter than the time since the reboot
 * was asked for ({@code uptime -s} after {@value RebootSteps#REQUESTED_AT}), and sets {@code
 * hostUp}; the diagram's timer looks again. Past the profile's boot limit since this wait began, it
 * fails with the check {@code host-up}: the host did not come back, and stays depooled. In dry-run
 * nothing was rebooted, and the host counts as up.
 */
@Component
public class CheckHostUpDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public CheckHostUpDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    if (ExecutionMode.DRY_RUN.value().equals(frozen.get("mode"))) {
      execution.setVariable("hostUp", true);
      return;
    }
    HostProfile profile = steps.profile(frozen);
    Instant requested = RebootSteps.instant(frozen, RebootSteps.REQUESTED_AT).orElseThrow();
    Instant waitFrom = RebootSteps.waitFrom(execution);
    boolean up =
        steps.checked(
            execution,
            () -> {
              Optional<Instant> since = steps.reboot().upSince(RebootSteps.host(frozen));
              if (since.isPresent() && since.get().isAfter(requested)) {
                steps.runs().record(execution, RebootSteps.UP_SINCE, since.get().toString());
                return true;
              }
              Instant limit = waitFrom.plus(profile.bootLimit());
              if (RebootSteps.now().isAfter(limit)) {
                throw new CheckFailedException(
                    "host-up",
                    frozen.get(RebootSteps.HOST)
                        + " did not answer with a new boot within "
                        + profile.bootLimit()
                        + " (the reboot was asked for at "
                        + requested
                        + "; it "
                        + since.map(s -> "answers, up since " + s).orElse("does not answer")
                        + "). It stays depooled: retry to wait "
                        + profile.bootLimit()
                        + " more, or abort to leave it depooled.");
              }
              return false;
            });
    execution.setVariable("hostUp", up);
  }
}
