package org.switchman.process.switchover;

import static org.switchman.process.RunContexts.text;
import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.RUNBOOK;
import static org.switchman.process.RunVariableNames.TICKET;
import static org.switchman.process.switchover.SwitchoverVars.DC_FROM;
import static org.switchman.process.switchover.SwitchoverVars.DC_TO;
import static org.switchman.process.switchover.SwitchoverVars.SECTIONS;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.process.RunbookStartRule;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Checks and freezes the input of {@code db-masters-read-only} / {@code db-masters-read-write} when
 * an operator starts one on its own; when a switchover calls it, the switchover's frozen request
 * applies. Both take the switchover's lock.
 *
 * <p>Whoever started it, the sections come from the frozen request (from configuration), never from
 * the caller's variables or the start variables, and {@value #APPROVAL_REQUIRED} says whether the
 * run must wait for GO/NOGO first: only a run started on its own in {@code live} does, since it
 * changes every section's master with nobody else involved. A switchover has passed its own gates,
 * and dry-run and live-test never act on the active datacenter.
 */
@Component
public class LockdownStartRule implements RunbookStartRule {

  static final String READ_ONLY = "db-masters-read-only";
  static final String READ_WRITE = "db-masters-read-write";

  /** The variable the diagrams' gateway {@code Gateway_ApprovalRequired} reads. */
  static final String APPROVAL_REQUIRED = "approvalRequired";

  /** Whether the lockdown runs on its own: an abort then ends it, instead of telling a caller. */
  static final String STANDALONE = "standalone";

  private final SwitchoverSteps steps;

  public LockdownStartRule(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(READ_ONLY, READ_WRITE);
  }

  @Override
  public List<LockTarget> locks(Map<String, String> frozen) {
    return List.of(new LockTarget(SwitchoverRequest.RUNBOOK, "mediawiki"));
  }

  @Override
  public void validate(DelegateExecution execution) {
    execution.setVariable(APPROVAL_REQUIRED, false);
    execution.setVariable(STANDALONE, RunContexts.isRoot(execution));
    if (!RunContexts.isRoot(execution)) {
      String sections = steps.frozen(execution, SECTIONS);
      execution.setVariable(
          SECTIONS, sections != null ? sections : String.join(",", steps.sections()));
      return;
    }
    String runbook = ((ExecutionEntity) execution).getProcessDefinition().getKey();
    String master = steps.switchover().masterDatacenter();
    String dcFrom = text(execution, DC_FROM);
    String dcTo = text(execution, DC_TO);
    String mode = text(execution, RunVariableNames.MODE);
    boolean liveTest = ExecutionMode.LIVE_TEST.value().equals(mode);
    String activeForCheck = master;
    if (runbook.equals(READ_WRITE) && !liveTest) {
      if (dcTo != null && !dcTo.equals(master)) {
        throw new InvalidRequestException(
            runbook,
            List.of(
                "dcTo must be the primary datacenter "
                    + master
                    + " (WMFMasterDatacenter): a site becomes writable only after the flip"));
      }
      activeForCheck = dcFrom;
    }
    String primaryForCheck = activeForCheck;
    SwitchoverRequest request =
        SwitchoverRequest.parse(
            dcFrom,
            dcTo,
            mode,
            text(execution, REASON),
            text(execution, TICKET),
            null,
            null,
            steps.settings().datacenters(),
            () -> primaryForCheck);
    steps.freeze(execution, request, master);
    RunContexts runs = steps.runs();
    // the section decisions carry the escalation timer; it escalates only under a switchover
    runs.freezeDecisionTimes(execution, steps.settings());
    execution.setVariable(RUNBOOK, runbook);
    execution.setVariable(APPROVAL_REQUIRED, request.mode() == ExecutionMode.LIVE);
  }
}
