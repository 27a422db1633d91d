package org.switchman.process.restart;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.audit.report.LockedRuns;
import org.switchman.process.ActiveLockedRuns;
import org.switchman.process.RunContexts;
import org.switchman.process.RunbookLocks;
import org.switchman.process.RunbookStartRule.LockTarget;
import org.switchman.runbook.port.RunbookLock;
import org.switchman.runbook.restart.DeployRestartRequest;

/**
 * A restart after a deploy takes its turn, or says what it waits for ({@value #MY_TURN}, {@value
 * #WAITING_FOR}): deploys are restarted one after another in the order they arrived, so a run waits
 * while the restart of an earlier deploy waits or runs, and while any of its locks (a service in a
 * datacenter, a host) is held by another run, such as an operator's rolling restart, or belongs to
 * an active run whose lease lapsed. Once neither holds, it takes all its locks and records its turn
 * as taken, after which the lock keeper keeps them and the run's end releases them. It only reads
 * until then, so the diagram's timer may look again as often as it likes.
 */
@Component
public class TakeTurnDelegate implements JavaDelegate {

  static final String MY_TURN = "myTurn";
  static final String WAITING_FOR = "waitingFor";

  private final RestartSteps steps;
  private final RunbookLocks locks;
  private final ActiveLockedRuns active;

  public TakeTurnDelegate(RestartSteps steps, RunbookLocks locks, ActiveLockedRuns active) {
    this.steps = steps;
    this.locks = locks;
    this.active = active;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Map<String, String> frozen = steps.runs().frozen(execution);
    if (RestartSteps.TAKEN.equals(frozen.get(RestartSteps.TURN))) {
      execution.setVariable(MY_TURN, true);
      return;
    }
    String queuedAt = frozen.get(RestartSteps.QUEUED_AT);
    Optional<Map.Entry<String, Map<String, String>>> earlier =
        steps
            .queuedDeploys(execution)
            .filter(
                run ->
                    run.getValue().get(RestartSteps.QUEUED_AT).compareTo(queuedAt) < 0
                        || (run.getValue().get(RestartSteps.QUEUED_AT).equals(queuedAt)
                            && run.getKey().compareTo(RunContexts.runId(execution)) < 0))
            .findFirst();
    if (earlier.isPresent()) {
      waitFor(
          execution,
          "the restart of the earlier deploy "
              + earlier.get().getValue().get(RestartSteps.DEPLOY_ID)
              + " (run "
              + earlier.get().getKey()
              + "), which "
              + (RestartSteps.TAKEN.equals(earlier.get().getValue().get(RestartSteps.TURN))
                  ? "runs"
                  : "waits for its turn"));
      return;
    }
    Map<String, String> withTurn = new java.util.HashMap<>(frozen);
    withTurn.put(RestartSteps.TURN, RestartSteps.TAKEN);
    List<LockTarget> targets = RestartSteps.locks(withTurn);
    String self = RunContexts.runId(execution);
    for (LockTarget target : targets) {
      Optional<LockedRuns.LockedRun> owner =
          active.active(target.runbook(), target.target()).stream()
              .filter(run -> !run.runId().equals(self))
              .findFirst();
      if (owner.isPresent()) {
        // its lease may have lapsed (a restart, etcd out of reach): the lock is still its own
        waitFor(
            execution,
            "the lock "
                + target.runbook()
                + " on "
                + target.target()
                + ", held by run "
                + owner.get().runId()
                + " of "
                + owner.get().user());
        return;
      }
      List<RunbookLock.Holder> holders =
          locks.otherHolders(execution, target.runbook(), target.target());
      if (!holders.isEmpty()) {
        waitFor(
            execution,
            "the lock "
                + target.runbook()
                + " on "
                + target.target()
                + ", held by run "
                + holders.get(0).runId()
                + " of "
                + holders.get(0).user());
        return;
      }
    }
    List<LockTarget> taken = new java.util.ArrayList<>();
    try {
      for (LockTarget target : targets) {
        locks.acquire(execution, target.runbook(), target.target());
        taken.add(target);
      }
    } catch (RunbookLock.LockHeldException held) {
      // another run took one in the meantime: give back what this look took, and wait
      for (LockTarget target : taken) {
        if (!target.runbook().equals(DeployRestartRequest.RUNBOOK)) {
          locks.release(execution, target.runbook(), target.target());
        }
      }
      waitFor(execution, held.getMessage());
      return;
    }
    steps.runs().recordUnshown(execution, RestartSteps.TURN, RestartSteps.TAKEN);
    execution.setVariable(MY_TURN, true);
    execution.setVariable(WAITING_FOR, null);
  }

  private static void waitFor(DelegateExecution execution, String what) {
    execution.setVariable(MY_TURN, false);
    execution.setVariable(WAITING_FOR, what);
  }
}
