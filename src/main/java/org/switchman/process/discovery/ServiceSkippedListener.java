package org.switchman.process.discovery;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;

/**
 * An operator skipped the loop's {@code service} after a failure ({@code Flow_ServiceSkip}): the
 * service is recorded as {@value DiscoverySteps#SKIPPED}, as it stands, which the live view and the
 * report show; an abort later puts it back like any service the run began to change.
 */
@Component
public class ServiceSkippedListener implements ExecutionListener {

  private final DiscoverySteps steps;

  public ServiceSkippedListener(DiscoverySteps steps) {
    this.steps = steps;
  }

  @Override
  public void notify(DelegateExecution execution) {
    String service = RunContexts.text(execution, "service");
    steps
        .runs()
        .recordUnshown(
            execution, DiscoverySteps.parameter(service, "state"), DiscoverySteps.SKIPPED);
  }
}
