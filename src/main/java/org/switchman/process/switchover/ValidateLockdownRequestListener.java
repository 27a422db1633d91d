package org.switchman.process.switchover;

import static org.switchman.process.RunContexts.text;
import static org.switchman.process.switchover.SwitchoverVars.*;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.switchover.SwitchoverRequest;

/**
 * Checks the input of {@code db-masters-read-only} / {@code db-masters-read-write} when an operator
 * starts one on its own; when a switchover calls it, the switchover has checked already. Used as
 * {@code ${validateLockdownRequestListener.check(execution, 'read-only')}}.
 */
@Component("validateLockdownRequestListener")
public class ValidateLockdownRequestListener {

  private final SwitchoverSteps steps;

  public ValidateLockdownRequestListener(SwitchoverSteps steps) {
    this.steps = steps;
  }

  /** @param direction {@code read-only} (lock the old site) or {@code read-write} (open the new) */
  public void check(DelegateExecution execution, String direction) {
    if (!RunContexts.isRoot(execution)) {
      return;
    }
    String runbook = "db-masters-" + direction;
    String master = steps.switchover().masterDatacenter();
    String dcFrom = text(execution, DC_FROM);
    String dcTo = text(execution, DC_TO);
    String mode = text(execution, RunContexts.MODE);
    boolean liveTest = ExecutionMode.LIVE_TEST.value().equals(mode);
    String activeForCheck = master;
    if (direction.equals("read-write") && !liveTest) {
      if (dcTo != null && !dcTo.equals(master)) {
        throw new InvalidRequestException(runbook, List.of("dcTo must be the primary datacenter "
            + master + " (WMFMasterDatacenter): a site becomes writable only after the flip"));
      }
      activeForCheck = dcFrom;
    }
    SwitchoverRequest request = SwitchoverRequest.parse(dcFrom, dcTo, mode,
        text(execution, REASON), text(execution, TICKET), null, null,
        steps.settings().datacenters(), activeForCheck);
    execution.setVariable(DC_FROM, request.dcFrom());
    execution.setVariable(DC_TO, request.dcTo());
    execution.setVariable(RunContexts.MODE, request.mode().value());
    execution.setVariable(RunContexts.ACTIVE_DATACENTER, master);
    execution.setVariable(SECTIONS, String.join(",", steps.sections()));
  }
}
