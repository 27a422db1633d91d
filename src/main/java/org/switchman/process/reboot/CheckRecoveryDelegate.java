package org.switchman.process.reboot;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.restart.FilesystemRecovery;
import org.switchman.runbook.restart.HostProfile;

/**
 * Looks once where the host's filesystem recovery stands (a salvage, an fsck), records it for the
 * live view ({@value RebootSteps#RECOVERY}) and sets {@code recovered}; the diagram's timer looks
 * again. Once it is over, records since when the filesystem is available ({@value
 * RebootSteps#AVAILABLE_SINCE}; the boot, when the host says nothing more precise). Past the
 * profile's recovery limit since the boot (or since a retry), it fails with the check {@code
 * recovery-finished}. In dry-run it reports where the recovery stands and goes on.
 */
@Component
public class CheckRecoveryDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public CheckRecoveryDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    boolean dryRun = ExecutionMode.DRY_RUN.value().equals(frozen.get("mode"));
    HostProfile profile = steps.profile(frozen);
    Instant waitFrom = RebootSteps.waitFrom(execution);
    boolean recovered =
        steps.checked(
            execution,
            () -> {
              FilesystemRecovery.State state =
                  steps.reboot().recovery(profile, RebootSteps.host(frozen));
              Instant up =
                  frozen.containsKey(RebootSteps.SEEN_UP)
                      ? Instant.parse(frozen.get(RebootSteps.SEEN_UP))
                      : waitFrom;
              Instant from = up.isAfter(waitFrom) ? up : waitFrom;
              Duration running = Duration.between(from, RebootSteps.now());
              if (!state.running() || dryRun) {
                steps.runs().record(execution, RebootSteps.RECOVERY, "done: " + state.words());
                steps
                    .runs()
                    .record(
                        execution,
                        RebootSteps.AVAILABLE_SINCE,
                        state.availableSince().orElse(up).toString());
                return true;
              }
              steps
                  .runs()
                  .record(
                      execution,
                      RebootSteps.RECOVERY,
                      state.words()
                          + ", for "
                          + minutes(running)
                          + " of at most "
                          + minutes(profile.recoveryLimit()));
              if (running.compareTo(profile.recoveryLimit()) > 0) {
                throw new CheckFailedException(
                    "recovery-finished",
                    frozen.get(RebootSteps.HOST)
                        + ": "
                        + state.words()
                        + " after "
                        + minutes(running)
                        + ", past the limit of "
                        + minutes(profile.recoveryLimit())
                        + ". It stays depooled: retry to wait again, or abort to leave it"
                        + " depooled.");
              }
              return false;
            });
    execution.setVariable("recovered", recovered);
  }

  private static String minutes(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds < 120 ? seconds + " s" : (seconds / 60) + " min";
  }
}
