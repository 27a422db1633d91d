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
    Map<LockTarget, List<LockedRuns.LockedRun>> owners =
        RunbookLocks.othersByLock(active.active(), self);
    List<LockTarget> toTake = new java.util.ArrayList<>();
    for (LockTarget target : targets) {
      if (target.runbook().equals(DeployRestartRequest.RUNBOOK)) {
        continue; // held since the start
      }
      List<LockedRuns.LockedRun> owner = owners.getOrDefault(target, List.of());
      if (!owner.isEmpty()) {
        // its lease may have lapsed (a restart, etcd out of reach): the lock is still its own
        waitFor(execution, heldBy(target, owner.get(0).runId(), owner.get(0).user()));
        return;
      }
      List<RunbookLock.Holder> holders =
          locks.otherHolders(execution, target.runbook(), target.target());
      if (!holders.isEmpty()) {
        waitFor(execution, heldBy(target, holders.get(0).runId(), holders.get(0).user()));
        return;
      }
      toTake.add(target);
    }
    try {
      locks.acquireAll(execution, toTake);
    } catch (RunbookLock.LockHeldException held) {
      // another run took one in the meantime; what this look took is given back: wait
      waitFor(execution, held.getMessage());
      return;
    }
    steps.runs().recordUnshown(execution, RestartSteps.TURN, RestartSteps.TAKEN);
    execution.setVariable(MY_TURN, true);
    execution.setVariable(WAITING_FOR, null);
  }

  private static String heldBy(LockTarget target, String runId, String user) {
    return "the lock "
        + target.runbook()
        + " on "
        + target.target()
        + ", held by run "
        + runId
        + " of "
        + user;
  }

  private static void waitFor(DelegateExecution execution, String what) {
    execution.setVariable(MY_TURN, false);
    execution.setVariable(WAITING_FOR, what);
  }
}
