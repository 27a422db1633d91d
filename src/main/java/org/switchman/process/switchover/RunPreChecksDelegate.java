package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.*;

import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.process.RunContexts;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Before the first GO/NOGO: runs the pre-checks, then the rest of the switchover as a dry-run
 * (journaled under the step {@code plan@…}), and writes both as text for the approval form: the
 * plan is the exact list of changes the run will make.
 */
@Component
public class RunPreChecksDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;
  private final Journal journal;

  public RunPreChecksDelegate(SwitchoverSteps steps, Journal journal) {
    this.steps = steps;
    this.journal = journal;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RunContext run = RunContexts.of(execution);
    SwitchoverRequest request = steps.request(execution);
    Switchover switchover = steps.switchover();
    Switchover.PreCheckReport report = steps.checked(execution,
        () -> switchover.preChecks(run, request));
    String planStep = "plan@" + execution.getActivityInstanceId();
    RunContext plan = new RunContext(run.runId(), planStep, run.actor(), ExecutionMode.DRY_RUN,
        run.activeDatacenter());
    steps.checked(execution, () -> {
      switchover.stopMaintenance(plan, request);
      switchover.setReadOnly(plan, request);
      for (String section : switchover.topology().sections()) {
        switchover.lockDownSection(plan, section, request.dcFrom(), request.dcTo());
      }
      switchover.poolNewDatacenter(plan, request);
      switchover.setMasterDatacenter(plan, request);
      switchover.depoolOldDatacenter(plan, request);
      for (String section : switchover.topology().sections()) {
        switchover.unlockSection(plan, section, request.dcFrom(), request.dcTo());
      }
      switchover.setReadWrite(plan, request);
      switchover.restartEnvoyOnJobrunners(plan, request);
      switchover.startMaintenance(plan, request);
      switchover.restoreTtl(plan, steps.ttls(execution));
      switchover.runPuppetOnDbMasters(plan, request);
    });
    String changes = journal.entriesOfRun(run.runId()).stream()
        .filter(entry -> entry.step().equals(planStep))
        .map(entry -> "- " + entry.target() + ": " + entry.action().replaceFirst("^would: ", ""))
        .collect(Collectors.joining("\n"));
    execution.setVariable(PRE_CHECKS, report.lines().stream().map(line -> "- " + line)
        .collect(Collectors.joining("\n")));
    execution.setVariable(PLAN, changes.isEmpty() ? "- nothing to change" : changes);
  }
}
