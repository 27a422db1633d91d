package org.switchman.process.restart;

import static org.switchman.process.RunVariableNames.FAILED_CHECK;
import static org.switchman.process.RunVariableNames.FAILURE_MESSAGE;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;

/**
 * Records why a host failed ({@code host.i.failure}: the failed check and its message) when one of
 * its steps put the failure to an operator. The host keeps what it was left in (depooled, when the
 * failure came after the depool); the batch's review asks the operator what to do with it.
 */
@Component
public class RecordHostFailureDelegate implements JavaDelegate {

  private final RestartSteps steps;

  public RecordHostFailureDelegate(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RestartSteps.PlannedHost host = steps.host(execution);
    String check = RunContexts.text(execution, FAILED_CHECK);
    String message = RunContexts.text(execution, FAILURE_MESSAGE);
    steps
        .runs()
        .recordUnshown(
            execution,
            host.parameter("failure"),
            (check == null ? "failed" : check) + ": " + (message == null ? "" : message));
  }
}
