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
 * Looks once whether the host answers again with a new boot (a boot id other than {@value
 * RebootSteps#BOOT_ID_BEFORE}), and sets {@code hostUp}; the diagram's timer looks again. The first
 * time it sees the new boot it records when, on the engine's clock ({@value RebootSteps#SEEN_UP}):
 * no host clock is compared with Switchman's. It fails with the check {@code host-rebooting} when
 * the host still runs its old boot {@value RebootHostDelegate#ASK_AGAIN_AFTER_MINUTES} minutes
 * after the request (the request did not take: a retry asks again), and with {@code host-up} past
 * the profile's boot limit since this wait began (the host did not come back, and stays depooled).
 * In dry-run nothing was rebooted, and the host counts as up.
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
    String host = frozen.get(RebootSteps.HOST);
    String before = frozen.get(RebootSteps.BOOT_ID_BEFORE);
    Instant waitFrom = RebootSteps.waitFrom(execution);
    boolean up =
        steps.checked(
            execution,
            () -> {
              HostProfile profile = steps.profile(frozen);
              Instant requested =
                  RebootSteps.instant(frozen, RebootSteps.REQUESTED_AT).orElseThrow();
              Optional<String> boot = steps.reboot().bootId(RebootSteps.host(frozen));
              if (boot.isPresent() && !boot.get().equals(before)) {
                if (!frozen.containsKey(RebootSteps.SEEN_UP)) {
                  steps.runs().record(execution, RebootSteps.SEEN_UP, RebootSteps.now().toString());
                }
                return true;
              }
              Instant now = RebootSteps.now();
              if (boot.isPresent()
                  && now.isAfter(requested.plus(RebootHostDelegate.ASK_AGAIN_AFTER))) {
                throw new CheckFailedException(
                    "host-rebooting",
                    host
                        + " still runs the boot it had before the reboot was asked for at "
                        + requested
                        + ": the request did not take. Retry to ask again, or abort.");
              }
              if (now.isAfter(waitFrom.plus(profile.bootLimit()))) {
                throw new CheckFailedException(
                    "host-up",
                    host
                        + " did not answer with a new boot within "
                        + profile.bootLimit()
                        + " (the reboot was asked for at "
                        + requested
                        + "). It stays depooled: retry to wait "
                        + profile.bootLimit()
                        + " more, or abort to leave it depooled.");
              }
              return false;
            });
    execution.setVariable("hostUp", up);
  }
}
