package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.PRE_CHECKS;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.InfrastructureUnavailableException;
import org.switchman.runbook.switchover.SwitchoverChecks;

/**
 * Before the final gate: reads the pre-checks again, so that the approver decides on the site as it
 * is now, not as it was before the first gate (maintenance has stopped since, and minutes or hours
 * may have passed). Replaces {@code preChecks}; a check that does not hold, or a server that does
 * not answer, is put at its top and sets {@value #PRE_CHECKS_FAILED}, on which the final gate
 * refuses GO ({@code process.decisions.DecisionTasksPlugin}). Only reads.
 */
@Component
public class RunPreChecksAgainDelegate implements JavaDelegate {

  /** Whether the pre-checks read again just before the final gate failed. */
  public static final String PRE_CHECKS_FAILED = "preChecksFailed";

  private final SwitchoverSteps steps;

  public RunPreChecksAgainDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RunContext run = steps.context(execution);
    String read = "read again at " + Instant.now() + ", just before this gate";
    List<String> lines = new ArrayList<>();
    boolean failed;
    try {
      SwitchoverChecks.PreCheckReport report =
          steps.switchover().checks().preChecks(run, steps.request(execution));
      lines.add("- " + read);
      report.problems().forEach(problem -> lines.add("- PROBLEM (dry-run): " + problem));
      report.lines().forEach(line -> lines.add("- " + line));
      failed = false;
    } catch (CheckFailedException | InfrastructureUnavailableException e) {
      lines.add("- FAILED, " + read + ": " + e.getMessage());
      lines.add("- GO is refused until a run passes them; NOGO rolls back phase 1.");
      failed = true;
    }
    steps.runs().record(execution, PRE_CHECKS, RunPreChecksDelegate.bounded(lines, run.step()));
    execution.setVariable(PRE_CHECKS_FAILED, failed);
  }
}
