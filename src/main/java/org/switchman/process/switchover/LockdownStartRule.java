package org.switchman.process.switchover;

import static org.switchman.process.RunContexts.text;
import static org.switchman.process.switchover.SwitchoverVars.*;

import java.util.List;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.process.RunbookStartRule;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Checks and freezes the input of {@code db-masters-read-only} / {@code db-masters-read-write}
 * when an operator starts one on its own; when a switchover calls it, the switchover's frozen
 * request applies. Both take the switchover's lock.
 */
@Component
public class LockdownStartRule implements RunbookStartRule {

  static final String READ_ONLY = "db-masters-read-only";
  static final String READ_WRITE = "db-masters-read-write";

  private final SwitchoverSteps steps;

  public LockdownStartRule(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(READ_ONLY, READ_WRITE);
  }

  @Override
  public LockTarget lock() {
    return new LockTarget(SwitchoverRequest.RUNBOOK, "mediawiki");
  }

  @Override
  public void validate(DelegateExecution execution) {
    if (!RunContexts.isRoot(execution)) {
      return;
    }
    String runbook = ((ExecutionEntity) execution).getProcessDefinition().getKey();
    String master = steps.switchover().masterDatacenter();
    String dcFrom = text(execution, DC_FROM);
    String dcTo = text(execution, DC_TO);
    String mode = text(execution, RunContexts.MODE);
    boolean liveTest = ExecutionMode.LIVE_TEST.value().equals(mode);
    String activeForCheck = master;
    if (runbook.equals(READ_WRITE) && !liveTest) {
      if (dcTo != null && !dcTo.equals(master)) {
        throw new InvalidRequestException(runbook, List.of("dcTo must be the primary datacenter "
            + master + " (WMFMasterDatacenter): a site becomes writable only after the flip"));
      }
      activeForCheck = dcFrom;
    }
    SwitchoverRequest request = SwitchoverRequest.parse(dcFrom, dcTo, mode,
        text(execution, REASON), text(execution, TICKET), null, null,
        steps.settings().datacenters(), activeForCheck);
    steps.freeze(execution, request, master);
  }
}
