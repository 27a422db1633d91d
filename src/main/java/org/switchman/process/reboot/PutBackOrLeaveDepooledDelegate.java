package org.switchman.process.reboot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostProfile;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.RestartPlan;

/**
 * After an abort: a host this run did not reboot yet is put back as it was (the units it stopped
 * started again in order and verified, with their profile's starts; the pools it left repooled; the
 * downtime removed), unless a unit will not start: then it stays depooled, and the outcome says
 * which. A host the run asked to reboot is left depooled, whatever state it is in, with its
 * downtime running out: it is never repooled without its smoke test. A dry-run changed nothing, and
 * says what putting back would do. Records the outcome ({@value RebootSteps#OUTCOME}). A failure
 * here is the engine's to retry, then an incident: there is no operator decision left to put it to.
 */
@Component
public class PutBackOrLeaveDepooledDelegate implements JavaDelegate {

  private final RebootSteps steps;

  public PutBackOrLeaveDepooledDelegate(RebootSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    RestartPlan.Host host = RebootSteps.host(frozen);
    List<HostRestart.PoolSlot> depooled = RebootSteps.depooled(frozen);
    execution.setVariable(ReportRebootDelegate.ABORTED, true);
    boolean live = !ExecutionMode.DRY_RUN.value().equals(frozen.get("mode"));
    if (live && frozen.containsKey(RebootSteps.REQUESTED_AT)) {
      steps
          .runs()
          .record(
              execution,
              RebootSteps.OUTCOME,
              "LEFT DEPOOLED"
                  + (depooled.isEmpty()
                      ? " (it was in no pool)"
                      : " from " + depooled.stream().map(Object::toString).toList())
                  + ": the reboot was asked for and the host was not seen serving again; its"
                  + " downtime runs out by itself");
      return;
    }
    steps.hold(execution);
    RunContext run = steps.context(execution);
    HostProfile profile = steps.profile(frozen);
    List<String> stopped = RebootSteps.lines(frozen, RebootSteps.STOPPED);
    List<String> started = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (String unit : profile.units()) {
      if (!stopped.contains(unit)) {
        continue;
      }
      try {
        if (steps.reboot().start(run, profile, host, unit, attempt -> {}) > 0) {
          started.add(unit);
        }
      } catch (CheckFailedException e) {
        failed.add(e.getMessage());
      }
    }
    String outcome;
    if (!failed.isEmpty()) {
      outcome =
          "LEFT DEPOOLED, not rebooted: "
              + (started.isEmpty() ? "" : "started " + started + ", ")
              + "but "
              + String.join("; ", failed);
    } else {
      HostRestart.Repool repool = steps.reboot().repool(run, depooled);
      steps.reboot().endDowntime(run, host);
      outcome =
          "put back before the reboot: "
              + (started.isEmpty() ? "no unit to start" : "started " + started)
              + ", repooled in "
              + RepoolRebootedHostDelegate.pools(repool.repooled().size())
              + (repool.leftAlone().isEmpty()
                  ? ""
                  : "; left alone: " + String.join("; ", repool.leftAlone()));
    }
    steps.runs().record(execution, RebootSteps.OUTCOME, outcome);
  }
}
