package org.switchman.process.restart;

import java.util.List;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * Takes the host out of the pools it is in now, of those the policy names. What it takes it out of
 * is committed before the first change ({@code host.i.depooled}), so a failure or a crash after the
 * change cannot make the run forget what to put back; a later attempt (a retry, a resumed run)
 * depools exactly that list again, which changes nothing that is depooled already.
 */
@Component
public class DepoolHostDelegate extends HostStepDelegate {

  static final String NONE = "-";

  public DepoolHostDelegate(RestartSteps steps) {
    super(steps);
  }

  @Override
  protected void run(
      HostRestart restart,
      ServicePolicy policy,
      RestartSteps.PlannedHost host,
      RunContext run,
      DelegateExecution execution) {
    if (!policy.depools()) {
      return;
    }
    List<HostRestart.PoolSlot> slots;
    if (steps.runs().frozen(execution, host.parameter("depooled")) == null) {
      slots = restart.toDepool(policy, host.host());
      steps
          .runs()
          .recordAtOnce(
              execution,
              host.parameter("depooled"),
              slots.isEmpty()
                  ? NONE
                  : slots.stream().map(Object::toString).collect(Collectors.joining("\n")));
    } else {
      slots = steps.depooled(execution, host);
    }
    restart.depool(run, slots);
  }
}
