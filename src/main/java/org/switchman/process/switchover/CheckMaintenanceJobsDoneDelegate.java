package org.switchman.process.switchover;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;

/**
 * Phase 1, after the maintenance timers are stopped: looks once whether maintenance work still runs
 * on the maintenance hosts of both sites and sets {@code maintenanceJobsDone}; the diagram's timer
 * looks again every 5 s. Past {@value #LIMIT_MINUTES} minutes since the phase began to wait (the
 * reference's 60 looks 5 s apart) it fails with the check {@code maintenance-jobs-done}, naming the
 * work still running: the operator retries (another {@value #LIMIT_MINUTES} minutes), skips (the
 * site goes read-only with the work running) or aborts. A dry-run looks once and goes on.
 */
@Component
public class CheckMaintenanceJobsDoneDelegate implements JavaDelegate {

  static final long LIMIT_MINUTES = 5;

  /** When this entry of the phase began to wait: local to the phase, so a retry waits again. */
  static final String WAIT_FROM = "maintenanceWaitFrom";

  private final SwitchoverSteps steps;

  public CheckMaintenanceJobsDoneDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Instant now = ClockUtil.getCurrentTime().toInstant();
    Object from = execution.getVariable(WAIT_FROM);
    Instant waitFrom = from == null ? now : Instant.ofEpochMilli(Long.parseLong(from.toString()));
    if (from == null) {
      execution.setVariable(WAIT_FROM, Long.toString(now.toEpochMilli()));
    }
    boolean dryRun = steps.request(execution).mode() == ExecutionMode.DRY_RUN;
    boolean done =
        steps.checked(
            execution,
            () -> {
              List<String> running = steps.switchover().runningMaintenanceJobs();
              if (running.isEmpty() || dryRun) {
                return true;
              }
              if (now.isAfter(waitFrom.plus(Duration.ofMinutes(LIMIT_MINUTES)))) {
                throw new CheckFailedException(
                    "maintenance-jobs-done",
                    "maintenance work still runs "
                        + LIMIT_MINUTES
                        + " min after the timers were stopped: "
                        + String.join("; ", running)
                        + ". Retry to wait again, skip to go read-only with it running, or"
                        + " abort.");
              }
              return false;
            });
    execution.setVariable("maintenanceJobsDone", done);
  }
}
