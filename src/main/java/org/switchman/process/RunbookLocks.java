package org.switchman.process;

import java.time.Duration;
import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.runbook.port.RunbookLock;

/**
 * The runbook lock a run holds for its whole life, used from the diagrams as expression listeners:
 * {@code ${runbookLocks.acquire(execution, 'dc-switchover', 'mediawiki')}} on the start event and
 * {@code ${runbookLocks.release(execution, 'dc-switchover', 'mediawiki')}} when the process ends.
 *
 * <p>The lock is taken for the run (the root process instance), so a process called by the run
 * finds it already held and goes on, while the same process started on its own takes it. A second
 * run is refused with {@link RunbookLock.LockHeldException}, whose message names the holder. If the
 * start fails after the lock was taken, it is released again. The lease keeps a lock from
 * outliving a crashed node; {@link #ensure} lets every step re-take it after a restart.
 */
@Component("runbookLocks")
public class RunbookLocks {

  /** The lease: a crashed node's lock expires this long after its last renewal. */
  static final Duration LEASE = Duration.ofSeconds(60);

  private final ObjectProvider<RunbookLock> locks;

  public RunbookLocks(ObjectProvider<RunbookLock> locks) {
    this.locks = locks;
  }

  public void acquire(DelegateExecution execution, String runbook, String target) {
    ensure(execution, runbook, target);
    // a run takes its lock when its own process starts; a called process finds it held by the run
    if (RunContexts.isRoot(execution)) {
      String runId = RunContexts.runId(execution);
      Context.getCommandContext().getTransactionContext().addTransactionListener(
          TransactionState.ROLLED_BACK, context -> lock().release(runbook, target, runId));
    }
  }

  /** Takes the lock for the run if it does not hold it (again after a restart); idempotent. */
  public void ensure(DelegateExecution execution, String runbook, String target) {
    Object starter = execution.getVariable(RunContexts.STARTER);
    lock().acquire(runbook, target, new RunbookLock.Holder(RunContexts.runId(execution),
        starter == null ? "system" : starter.toString(), Instant.now()), 1, LEASE);
  }

  /** Releases the lock when the run itself ends; a called process leaves it to its caller. */
  public void release(DelegateExecution execution, String runbook, String target) {
    if (RunContexts.isRoot(execution)) {
      String runId = RunContexts.runId(execution);
      EngineHooks.afterCommit(() -> lock().release(runbook, target, runId));
    }
  }

  private RunbookLock lock() {
    RunbookLock lock = locks.getIfAvailable();
    if (lock == null) {
      throw new IllegalStateException("Runbook locks live in etcd; configure switchman.etcd.endpoints");
    }
    return lock;
  }
}
