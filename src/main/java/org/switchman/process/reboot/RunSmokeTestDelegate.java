package org.switchman.process.reboot;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;

/**
 * Runs the profile's smoke test on the host ({@code domtool-test-config} for the file server,
 * reference 002) and records what it found ({@value RebootSteps#SMOKE_TEST}). A failing check fails
 * the step with the check {@code smoke-test}: the host is not repooled. In dry-run a failure is
 * reported, not failed: nothing was rebooted.
 */
@Component
public class RunSmokeTestDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public RunSmokeTestDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    boolean dryRun = ExecutionMode.DRY_RUN.value().equals(frozen.get("mode"));
    steps.checked(
        execution,
        () -> {
          List<String> failed =
              steps.reboot().smokeTest(steps.profile(frozen), RebootSteps.host(frozen));
          steps
              .runs()
              .record(
                  execution,
                  RebootSteps.SMOKE_TEST,
                  failed.isEmpty() ? "passed" : String.join("\n", failed));
          if (!failed.isEmpty() && !dryRun) {
            throw new CheckFailedException(
                "smoke-test",
                frozen.get(RebootSteps.HOST)
                    + " does not serve yet, so it stays depooled: "
                    + String.join("; ", failed));
          }
          return null;
        });
  }
}
