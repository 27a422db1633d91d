package org.switchman.process.restart;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * Puts the host back into exactly the pools the run took it out of ({@code host.i.depooled}), where
 * they still read depooled, and records the host as restarted ({@code host.i.outcome}), with any
 * entry someone else changed meanwhile, which is left as found.
 */
@Component
public class RepoolHostDelegate extends HostStepDelegate {

  public RepoolHostDelegate(RestartSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      HostRestart restart,
      ServicePolicy policy,
      RestartSteps.PlannedHost host,
      RunContext run,
      DelegateExecution execution) {
    HostRestart.Repool repool = restart.repool(run, steps.depooled(execution, host));
    steps
        .runs()
        .recordUnshown(
            execution,
            host.parameter("outcome"),
            RestartSteps.RESTARTED
                + (repool.leftAlone().isEmpty()
                    ? ""
                    : "; left as found: " + String.join("; ", repool.leftAlone())));
  }
}
