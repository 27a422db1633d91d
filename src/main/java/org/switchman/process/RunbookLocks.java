package org.switchman.process;

import java.time.Duration;
import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalOutbox;
import org.switchman.audit.report.RunReports;
import org.switchman.runbook.port.RunbookLock;

/**
 * The runbook lock a run holds for its whole life, taken when its process starts and released
 * when it ends, by {@link RunbookStarts} (built into the engine, not written in the diagrams). The
 * holder is the run and the user who started it, as frozen at the start.
 *
 * <p>The lock is taken for the run (the root process instance), so a process called by the run
 * finds it already held and goes on, while the same process started on its own takes it. A second
 * run is refused with {@link RunbookLock.LockHeldException}, whose message names the holder. If the
 * start fails after the lock was taken, it is released again. The lease keeps a lock from
 * outliving a crashed node; {@link #ensure} lets every step re-take it after a restart.
 *
 * <p>The run's taking and releasing of its lock are journaled ({@code LOCK}, {@code ACQUIRED} /
 * {@code RELEASED}) in the engine transaction that starts or ends the run, through the {@link
 * JournalOutbox}, so the run report shows the lock held even if the process dies right after the
 * commit.
 */
@Component("runbookLocks")
public class RunbookLocks {

  /** The lease: a crashed node's lock expires this long after its last renewal. */
  static final Duration LEASE = Duration.ofSeconds(60);

  private final ObjectProvider<RunbookLock> locks;
  private final JournalOutbox journal;
  private final RunContexts runs;

  public RunbookLocks(ObjectProvider<RunbookLock> locks, JournalOutbox journal, RunContexts runs) {
    this.locks = locks;
    this.journal = journal;
    this.runs = runs;
  }

  public void acquire(DelegateExecution execution, String runbook, String target) {
    ensure(execution, runbook, target);
    // a run takes its lock when its own process starts; a called process finds it held by the run
    if (RunContexts.isRoot(execution)) {
      String runId = RunContexts.runId(execution);
      Context.getCommandContext().getTransactionContext().addTransactionListener(
          TransactionState.ROLLED_BACK, context -> lock().release(runbook, target, runId));
      journal.append(entry(execution, runbook, target, "take", RunReports.ACQUIRED));
    }
  }

  /** Takes the lock for the run if it does not hold it (again after a restart); idempotent. */
  public void ensure(DelegateExecution execution, String runbook, String target) {
    lock().acquire(runbook, target, new RunbookLock.Holder(RunContexts.runId(execution),
        runs.starter(execution), Instant.now()), 1, LEASE);
  }

  /** Releases the lock when the run itself ends; a called process leaves it to its caller. */
  public void release(DelegateExecution execution, String runbook, String target) {
    if (RunContexts.isRoot(execution)) {
      String runId = RunContexts.runId(execution);
      journal.append(entry(execution, runbook, target, "release", RunReports.RELEASED));
      EngineHooks.afterCommit(() -> lock().release(runbook, target, runId));
    }
  }

  private JournalEntry.Draft entry(DelegateExecution execution, String runbook,
      String target, String verb, String outcome) {
    String mode = runs.mode(execution);
    String step = execution.getCurrentActivityId() != null ? execution.getCurrentActivityId() : "run";
    return new JournalEntry.Draft(RunContexts.runId(execution), step,
        runs.starter(execution), mode == null ? "live" : mode,
        RunReports.LOCK, runbook + "/" + target, verb + " lock " + runbook + " on " + target,
        outcome, null, null, null);
  }

  private RunbookLock lock() {
    RunbookLock lock = locks.getIfAvailable();
    if (lock == null) {
      throw new IllegalStateException("Runbook locks live in etcd; configure switchman.etcd.endpoints");
    }
    return lock;
  }
}
