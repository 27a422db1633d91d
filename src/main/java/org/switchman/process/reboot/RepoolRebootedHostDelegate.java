package org.switchman.process.reboot;

import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;

/**
 * Puts the host back in exactly the pools the run took it out of, where they still read {@code no}
 * (an entry someone else changed meanwhile is left as found and reported), and removes its
 * downtime. Records the outcome ({@value RebootSteps#OUTCOME}).
 */
@Component
public class RepoolRebootedHostDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public RepoolRebootedHostDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    String outcome =
        steps.checked(
            execution,
            () -> {
              RunContext run = steps.context(execution);
              HostRestart.Repool repool = steps.reboot().repool(run, RebootSteps.depooled(frozen));
              steps.reboot().endDowntime(run, RebootSteps.host(frozen));
              return "rebooted, "
                  + (repool.repooled().isEmpty()
                      ? "in no pool before, none after"
                      : "repooled in " + pools(repool.repooled().size()))
                  + (repool.leftAlone().isEmpty()
                      ? ""
                      : "; left alone: " + String.join("; ", repool.leftAlone()));
            });
    steps.runs().record(execution, RebootSteps.OUTCOME, outcome);
  }

  /** "1 pool", "2 pools". */
  static String pools(int count) {
    return count + (count == 1 ? " pool" : " pools");
  }
}
