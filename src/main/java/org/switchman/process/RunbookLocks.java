package org.switchman.process;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.JournalOutbox;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.audit.report.LockedRuns.LockedRun;
import org.switchman.audit.report.RunReports;
import org.switchman.config.EtcdProperties;
import org.switchman.runbook.port.RunbookLock;

/**
 * The runbook lock a run holds for its whole life, taken when its process starts and released when
 * it ends, by {@link RunbookStarts} (built into the engine, not written in the diagrams). The
 * holder is the run and the user who started it, as frozen at the start. The lock belongs to the
 * run, not to the node that happens to renew its lease.
 *
 * <p>The lock is taken for the run (the root process instance), so a process called by the run
 * finds it already held and goes on, while the same process started on its own takes it. A second
 * run is refused with {@link RunbookLock.LockHeldException}, whose message names the holder. If the
 * start fails after the lock was taken, it is released again. The lease ({@code
 * switchman.etcd.lock-ttl}) keeps a lock from outliving a crashed node; three things take a lapsed
 * lock back for its run:
 *
 * <ul>
 *   <li>{@link RunLockKeeper}, when the application is up and then every few seconds, for every
 *       active run ({@link #keep}), so that after a restart, a graceful stop or a partition from
 *       etcd the lock is held again as soon as etcd answers;
 *   <li>a new run's start, which first takes back the lapsed lock of every active run of the same
 *       lock, so that it is refused rather than let in before the keeper's next round;
 *   <li>every step of the run ({@link #ensure}) before it changes anything.
 * </ul>
 *
 * <p><b>A forced release is not undone behind the administrator's back.</b> The lock table's
 * force-release ({@link RunbookLock#forceRelease}) leaves a mark for the run. While it stands,
 * neither the keeper nor {@link #ensure} takes the lock back: the run's next step fails with {@link
 * RunbookLock.LockRevokedException} and opens an operator decision (check {@code runbook-lock}). An
 * operator's decision on that task ({@link #acknowledgeRevocation}) removes the mark, so that the
 * step retried (or the rollback after an abort) takes the lock again, deliberately, unless another
 * run holds it by then, which asks again.
 *
 * <p>Journaled ({@code LOCK}) under the run: {@code ACQUIRED} and {@code RELEASED} in the engine
 * transaction that starts or ends the run, through the {@link JournalOutbox}; {@code RETAKEN} when
 * a lapsed lock was taken back and {@code LOST} when the run is found without its lock
 * (force-released, or held by another run; once per loss and node). The lock table's {@code
 * FORCE_RELEASED} is journaled there.
 */
@Component("runbookLocks")
public class RunbookLocks {

  private static final Logger LOG = LoggerFactory.getLogger(RunbookLocks.class);

  /** The step journal entries of the keeper name. */
  public static final String KEEPER_STEP = "lock-keeper";

  private final ObjectProvider<RunbookLock> locks;
  private final Journal journal;
  private final JournalOutbox outbox;
  private final RunContexts runs;
  private final ActiveLockedRuns active;
  private final ObjectProvider<OpsLog> opsLog;
  private final Duration lease;

  /**
   * Threads that take and give back a run's many locks side by side ({@link #sideBySide}): each
   * waits on etcd, which commits the changes that arrive together at once, so more of them take a
   * thousand locks sooner (928 hosts: 1.0–1.3 s from a run's start to its first batch with 64,
   * 2.3–2.7 s with 16, in {@code scripts/bench rolling-restart}).
   */
  private final java.util.concurrent.ExecutorService lockCalls =
      java.util.concurrent.Executors.newFixedThreadPool(
          64,
          runnable -> {
            Thread thread = new Thread(runnable, "switchman-lock-calls");
            thread.setDaemon(true);
            return thread;
          });

  /** Runs found without their lock and journaled so, until they hold it again. */
  private final Set<String> lost = ConcurrentHashMap.newKeySet();

  public RunbookLocks(
      ObjectProvider<RunbookLock> locks,
      Journal journal,
      JournalOutbox outbox,
      RunContexts runs,
      ActiveLockedRuns active,
      ObjectProvider<OpsLog> opsLog,
      EtcdProperties etcd) {
    this.locks = locks;
    this.journal = journal;
    this.outbox = outbox;
    this.runs = runs;
    this.active = active;
    this.opsLog = opsLog;
    this.lease = etcd.lockTtl();
  }

  /** How long a lock outlives a node that stopped renewing it ({@code switchman.etcd.lock-ttl}). */
  public Duration lease() {
    return lease;
  }

  public void acquire(DelegateExecution execution, String runbook, String target) {
    acquireAll(execution, List.of(new RunbookStartRule.LockTarget(runbook, target)));
  }

  /**
   * Takes the run's locks ({@link #acquire} for each), reading the active runs once for all of them
   * and taking them side by side: a run of a thousand hosts takes a thousand locks.
   *
   * @throws RunbookLock.LockHeldException naming the first lock another run holds, after giving
   *     back those this call took ({@link #release}), so a caller that goes on waiting keeps none
   *     of them (when the transaction rolls back instead, it gives them back anyway)
   */
  public void acquireAll(DelegateExecution execution, List<RunbookStartRule.LockTarget> targets) {
    if (!RunContexts.isRoot(execution)) {
      // a called process finds the lock held by its run (or takes it back for the run). A lock
      // the run lost is left to the called process's steps: each checks it before it changes
      // anything and opens an operator decision, where failing the call here would only leave an
      // incident on the calling run
      for (RunbookStartRule.LockTarget target : targets) {
        try {
          ensure(execution, target.runbook(), target.target());
        } catch (RunbookLock.LockHeldException lost) { // or revoked, its subclass
          LOG.warn(
              "Run {} called {} without its lock {} on {}: {}",
              RunContexts.runId(execution),
              step(execution),
              target.runbook(),
              target.target(),
              lost.getMessage());
        }
      }
      return;
    }
    String runId = RunContexts.runId(execution);
    Map<RunbookStartRule.LockTarget, List<LockedRun>> others = othersByLock(active.active(), runId);
    // an active run whose lease lapsed still owns its lock: take it back for that run first
    targets.forEach(target -> others.getOrDefault(target, List.of()).forEach(this::keep));
    RunbookLock.Holder holder =
        new RunbookLock.Holder(runId, runs.starter(execution), Instant.now());
    List<RunbookStartRule.LockTarget> taken = new java.util.ArrayList<>();
    RuntimeException refused = null;
    RunbookLock lock = lock();
    List<java.util.concurrent.Future<Boolean>> attempts =
        sideBySide(
            targets.stream()
                .<java.util.concurrent.Callable<Boolean>>map(
                    target ->
                        () -> lock.acquire(target.runbook(), target.target(), holder, 1, lease))
                .toList());
    for (int i = 0; i < targets.size(); i++) {
      try {
        attempts.get(i).get();
        taken.add(targets.get(i));
      } catch (java.util.concurrent.ExecutionException e) {
        RuntimeException cause =
            e.getCause() instanceof RuntimeException runtime
                ? runtime
                : new IllegalStateException(e.getCause());
        // the first lock another run holds is what the caller hears of, before any other failure
        if (refused == null
            || (!(refused instanceof RunbookLock.LockHeldException)
                && cause instanceof RunbookLock.LockHeldException)) {
          refused = cause;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        refused = new IllegalStateException("interrupted while taking the run's locks", e);
      }
    }
    for (RunbookStartRule.LockTarget target : taken) {
      Context.getCommandContext()
          .getTransactionContext()
          .addTransactionListener(
              TransactionState.ROLLED_BACK,
              context -> lock().release(target.runbook(), target.target(), runId));
    }
    if (refused != null) {
      releaseAll(execution, taken);
      throw refused;
    }
    for (RunbookStartRule.LockTarget target : taken) {
      outbox.append(
          entry(
              run(execution, target.runbook(), target.target()),
              step(execution),
              "take lock " + target.runbook() + " on " + target.target(),
              RunReports.ACQUIRED,
              null));
    }
  }

  /**
   * Runs each task, side by side when there are several, and returns once all are done: etcd
   * commits each lock change on its own, so a thousand taken or given back one after another would
   * wait for a thousand commits in turn. A single task runs on the caller's thread.
   *
   * @return each task's outcome, in the tasks' order
   */
  private <T> List<java.util.concurrent.Future<T>> sideBySide(
      List<java.util.concurrent.Callable<T>> tasks) {
    List<java.util.concurrent.Future<T>> outcomes = new java.util.ArrayList<>();
    for (java.util.concurrent.Callable<T> task : tasks) {
      if (tasks.size() == 1) {
        java.util.concurrent.FutureTask<T> here = new java.util.concurrent.FutureTask<>(task);
        here.run();
        outcomes.add(here);
      } else {
        outcomes.add(lockCalls.submit(task));
      }
    }
    for (java.util.concurrent.Future<T> outcome : outcomes) {
      try {
        outcome.get();
      } catch (java.util.concurrent.ExecutionException e) {
        // the caller reads each outcome
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return outcomes;
  }

  /** Stops the threads that take and give back locks side by side, with the application. */
  @jakarta.annotation.PreDestroy
  void stopLockCalls() {
    lockCalls.shutdownNow();
  }

  /** The active runs other than this one, by the lock each should hold. */
  public static Map<RunbookStartRule.LockTarget, List<LockedRun>> othersByLock(
      List<LockedRun> active, String runId) {
    Map<RunbookStartRule.LockTarget, List<LockedRun>> byLock = new java.util.HashMap<>();
    for (LockedRun other : active) {
      if (!other.runId().equals(runId)) {
        byLock
            .computeIfAbsent(
                new RunbookStartRule.LockTarget(other.runbook(), other.target()),
                k -> new java.util.ArrayList<>())
            .add(other);
      }
    }
    return byLock;
  }

  /** The runs other than this execution's run that hold the lock now; reads only. */
  public java.util.List<RunbookLock.Holder> otherHolders(
      DelegateExecution execution, String runbook, String target) {
    String runId = RunContexts.runId(execution);
    return lock().holders(runbook, target).stream()
        .filter(holder -> !holder.runId().equals(runId))
        .toList();
  }

  /**
   * Makes sure the run holds its lock before a step acts: takes it back if it lapsed (journaled
   * {@code RETAKEN}); idempotent.
   *
   * @throws RunbookLock.LockRevokedException when an administrator force-released it and no
   *     operator has decided since (journaled {@code LOST})
   * @throws RunbookLock.LockHeldException when another run holds it (journaled {@code LOST})
   */
  public void ensure(DelegateExecution execution, String runbook, String target) {
    LockedRun run = run(execution, runbook, target);
    String step = step(execution);
    try {
      if (lock().acquire(runbook, target, holder(run), 1, lease)) {
        retaken(
            run,
            step,
            "the lock had lapsed (a restart, or etcd out of reach); taken again"
                + " before the step "
                + step
                + " acted");
      }
    } catch (RunbookLock.LockHeldException held) {
      noteLost(run, step, held.getMessage());
      throw held;
    }
  }

  /**
   * Keeps an active run's lock: confirms (and renews) it, takes it back if it lapsed, or notes that
   * the run lost it. Never throws for a lock it cannot take; an etcd that does not answer is left
   * to the next round.
   *
   * @return whether the run holds its lock now
   */
  public boolean keep(LockedRun run) {
    return keep(run, active.isActive(run.runId()));
  }

  /**
   * {@link #keep(LockedRun)} for a run found {@code activeNow} a moment ago: a round asks once per
   * run, not once per lock (a rolling restart holds a lock per host).
   */
  private boolean keep(LockedRun run, boolean activeNow) {
    RunbookLock lock = locks.getIfAvailable();
    if (lock == null) {
      return false;
    }
    if (!activeNow) {
      // the run ended since the round read it and is giving its locks back: taking one again,
      // even for a moment, would refuse the next run that wants it
      return false;
    }
    try {
      if (lock.acquire(run.runbook(), run.target(), holder(run), 1, lease)) {
        if (!active.isActive(run.runId())) {
          // the run ended meanwhile and released its lock: do not keep one for it
          lock.release(run.runbook(), run.target(), run.runId());
          return false;
        }
        retaken(
            run,
            KEEPER_STEP,
            "the lock had lapsed (a restart, or etcd out of reach); taken" + " again for the run");
      } else {
        lost.remove(run.runId());
      }
      return true;
    } catch (RunbookLock.LockRevokedException revoked) {
      noteLost(
          run,
          KEEPER_STEP,
          revoked.getMessage()
              + "; not taken back: the run asks an"
              + " operator before its next step");
    } catch (RunbookLock.LockHeldException held) {
      noteLost(run, KEEPER_STEP, held.getMessage());
    } catch (RuntimeException unavailable) {
      LOG.warn(
          "Could not keep the lock {} on {} of run {}: {}",
          run.runbook(),
          run.target(),
          run.runId(),
          unavailable.getMessage());
    }
    return false;
  }

  /**
   * Keeps the lock of every active run ({@link #keep}) and forgets forced releases of ended runs.
   */
  public void keepAll() {
    RunbookLock lock = locks.getIfAvailable();
    if (lock == null) {
      return;
    }
    java.util.List<LockedRun> running = active.active();
    Map<String, Boolean> activeNow = new HashMap<>();
    running.forEach(run -> keep(run, activeNow.computeIfAbsent(run.runId(), active::isActive)));
    Set<String> ids = new java.util.HashSet<>();
    running.forEach(run -> ids.add(run.runId()));
    lost.retainAll(ids);
    // one read for all forced releases, not one per target: a rolling restart has a target per host
    Set<RunbookStartRule.LockTarget> targets = active.targets(running);
    try {
      for (RunbookLock.Revocation revocation : lock.revocations()) {
        if (targets.contains(
                new RunbookStartRule.LockTarget(revocation.runbook(), revocation.target()))
            && !ids.contains(revocation.runId())
            && !active.isActive(revocation.runId())) {
          lock.forgetRevocation(revocation.runbook(), revocation.target(), revocation.runId());
        }
      }
    } catch (RuntimeException unavailable) {
      LOG.warn("Could not read or forget the forced releases: {}", unavailable.getMessage());
    }
  }

  /**
   * An operator decided on the run's {@code runbook-lock} decision: a forced release of its lock
   * stops standing in the way, and the run's next step takes the lock again (after this commit).
   */
  public void acknowledgeRevocation(DelegateExecution execution) {
    String runId = RunContexts.runId(execution);
    RunbookLock lock = lock();
    EngineHooks.afterCommit(
        () ->
            active
                .targets()
                .forEach(
                    target -> lock.forgetRevocation(target.runbook(), target.target(), runId)));
  }

  /** Releases the lock when the run itself ends; a called process leaves it to its caller. */
  public void release(DelegateExecution execution, String runbook, String target) {
    releaseAll(execution, List.of(new RunbookStartRule.LockTarget(runbook, target)));
  }

  /**
   * Releases the run's locks when the run itself ends, once its transaction has committed, side by
   * side as {@link #acquireAll} takes them, and returns when all are released; a called process
   * leaves them to its caller.
   */
  public void releaseAll(DelegateExecution execution, List<RunbookStartRule.LockTarget> targets) {
    if (!RunContexts.isRoot(execution) || targets.isEmpty()) {
      return;
    }
    String runId = RunContexts.runId(execution);
    for (RunbookStartRule.LockTarget target : targets) {
      outbox.append(
          entry(
              run(execution, target.runbook(), target.target()),
              step(execution),
              "release lock " + target.runbook() + " on " + target.target(),
              RunReports.RELEASED,
              null));
    }
    EngineHooks.afterCommit(
        () -> {
          RunbookLock lock = lock();
          List<java.util.concurrent.Future<Object>> releases =
              sideBySide(
                  targets.stream()
                      .<java.util.concurrent.Callable<Object>>map(
                          target ->
                              () -> {
                                lock.release(target.runbook(), target.target(), runId);
                                lock.forgetRevocation(target.runbook(), target.target(), runId);
                                return null;
                              })
                      .toList());
          for (java.util.concurrent.Future<Object> release : releases) {
            try {
              release.get();
            } catch (java.util.concurrent.ExecutionException e) {
              if (releases.size() == 1 && e.getCause() instanceof RuntimeException single) {
                throw single; // a lone lock fails its release as a call on this thread would
              }
              // the others are released all the same; a lock left behind expires with its lease
              LOG.warn("Run {} could not release a lock: {}", runId, e.getCause().getMessage());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          lost.remove(runId);
        });
  }

  private void retaken(LockedRun run, String step, String why) {
    lost.remove(run.runId());
    LOG.warn(
        "Lock {} on {} taken again for run {}: {}", run.runbook(), run.target(), run.runId(), why);
    journal.append(
        entry(
            run,
            step,
            "take lock " + run.runbook() + " on " + run.target() + " again",
            RunReports.RETAKEN,
            why));
  }

  private void noteLost(LockedRun run, String step, String why) {
    if (!lost.add(run.runId())) {
      return;
    }
    LOG.warn("Run {} lost its lock {} on {}: {}", run.runId(), run.runbook(), run.target(), why);
    journal.append(
        entry(
            run, step, "hold lock " + run.runbook() + " on " + run.target(), RunReports.LOST, why));
    OpsLog log = opsLog.getIfAvailable();
    if (log != null) {
      log.record(
          new OpsEvent(
              Instant.now(),
              OpsEvent.Kind.ESCALATION,
              run.processKey(),
              run.runId(),
              run.user(),
              null,
              null,
              "the run lost its lock " + run.runbook() + " on " + run.target() + ": " + why));
    }
  }

  private static RunbookLock.Holder holder(LockedRun run) {
    return new RunbookLock.Holder(run.runId(), run.user(), Instant.now());
  }

  private LockedRun run(DelegateExecution execution, String runbook, String target) {
    String key = ((ExecutionEntity) execution).getProcessInstance().getProcessDefinition().getKey();
    return new LockedRun(
        RunContexts.runId(execution),
        key,
        runbook,
        target,
        runs.starter(execution),
        runs.mode(execution));
  }

  private static String step(DelegateExecution execution) {
    return execution.getCurrentActivityId() != null ? execution.getCurrentActivityId() : "run";
  }

  private static JournalEntry.Draft entry(
      LockedRun run, String step, String action, String outcome, String output) {
    return JournalKind.LOCK.entry(
        new JournalEntry.Origin(
            run.runId(), step, run.user(), run.mode() == null ? "live" : run.mode()),
        run.runbook() + "/" + run.target(),
        action,
        outcome,
        output);
  }

  private RunbookLock lock() {
    RunbookLock lock = locks.getIfAvailable();
    if (lock == null) {
      throw new IllegalStateException(
          "Runbook locks live in etcd; configure switchman.etcd.endpoints");
    }
    return lock;
  }
}
