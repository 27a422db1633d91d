package org.switchman.process.jobs;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Session;
import org.camunda.bpm.engine.impl.interceptor.SessionFactory;
import org.camunda.bpm.engine.impl.jobexecutor.ExclusiveJobAddedNotification;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutorContext;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.JobManager;
import org.camunda.bpm.engine.impl.persistence.entity.TimerEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;

/**
 * Hands the next step of a run to the thread that ran the step before it, across a called process
 * too, instead of through the job acquisition.
 *
 * <p>Why: when an exclusive job creates the next exclusive job of the same process instance, the
 * engine locks that job at once for the thread that created it and runs it there after the commit
 * (4–5 ms in the read-only window). A called process is another process instance, so the job its
 * end creates in the calling run (and the first job of a called process, when it is exclusive) went
 * through the job acquisition instead: a wake-up, a query and a lock, 10–30 ms on two cores, at the
 * end of each lockdown inside the read-only window. This plugin counts two jobs of one run (the
 * same root process instance) as the same instance for that hand-off. A lockdown's sections are not
 * exclusive, so they are acquired as before.
 *
 * <p>A step that is not exclusive hands the first due job it creates to its own thread the same
 * way, when that job is not exclusive either: one host of a batch of a rolling restart goes from
 * its grace to its restart, its readiness and its end without the acquisition (in a dry-run of 928
 * hosts in batches of 50 on two cores, a batch's last readiness check now follows its last restart
 * after 0.09 s instead of 0.46–0.56 s; see the README's rolling-restart figures). The other jobs
 * the step creates are acquired as before, so hosts a step opens still run side by side.
 *
 * <p>What stays as it was: an exclusive job is handed off only to a thread running an exclusive
 * job, and only jobs that are due and active are handed off; the handed-off job is locked under
 * this node's name in the transaction that creates it, like any job this node acquires, and {@link
 * ClusterMembership} keeps it locked while it waits on the thread. A job handed off is one the job
 * acquisition would have given to some thread of some node a moment later; exclusive jobs of a
 * calling and a called process could already run at once on two threads, and still can.
 *
 * <p>A timer's step is handed to the job acquisition the moment the timer falls due ({@link
 * DueTimerWakeUps}), once the transaction that created the timer has committed, instead of at the
 * acquisition's next poll. {@link #close()} ends the waiting wake-ups.
 */
public class RunHandOffPlugin extends AbstractProcessEnginePlugin implements AutoCloseable {

  private final DueTimerWakeUps wakeUps = new DueTimerWakeUps();

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    List<SessionFactory> factories =
        configuration.getCustomSessionFactories() == null
            ? new ArrayList<>()
            : new ArrayList<>(configuration.getCustomSessionFactories());
    factories.add(
        new SessionFactory() {
          @Override
          public Class<?> getSessionType() {
            return JobManager.class;
          }

          @Override
          public Session openSession() {
            return new RunJobManager(wakeUps);
          }
        });
    configuration.setCustomSessionFactories(factories);
  }

  /** The wake-ups still waiting, for tests. */
  int wakeUpsWaiting() {
    return wakeUps.waiting();
  }

  @Override
  public void close() {
    wakeUps.close();
  }

  /**
   * The engine's job manager, for which a run's called processes are part of the run, and which
   * wakes the job acquisition when a timer it schedules falls due.
   */
  static class RunJobManager extends JobManager {

    private final DueTimerWakeUps wakeUps;

    /** Whether this command handed a non-exclusive job to its thread already (one per command). */
    private boolean handedOffNonExclusive;

    RunJobManager(DueTimerWakeUps wakeUps) {
      this.wakeUps = wakeUps;
    }

    @Override
    public void schedule(TimerEntity timer) {
      super.schedule(timer);
      JobExecutor acquisition = Context.getProcessEngineConfiguration().getJobExecutor();
      if (acquisition != null && acquisition.isActive()) {
        Date due = timer.getDuedate();
        Context.getCommandContext()
            .getTransactionContext()
            .addTransactionListener(
                TransactionState.COMMITTED, committed -> wakeUps.wakeWhenDue(acquisition, due));
      }
    }

    /**
     * Also hands the first job a non-exclusive step of a run creates, when it is non-exclusive too
     * and due, to the thread that ran the step: the next step of one host of a batch, for instance,
     * runs right after the step before it instead of waiting for the acquisition's wake-up, query
     * and lock. Further jobs of the same transaction (the hosts of a batch a step opens, the
     * branches of a fork) go through the acquisition as before, so they still run side by side; an
     * exclusive job always does, so the acquisition alone keeps a run's exclusive jobs apart.
     */
    @Override
    protected void hintJobExecutor(JobEntity job) {
      JobExecutor acquisition = Context.getProcessEngineConfiguration().getJobExecutor();
      JobExecutorContext thread = Context.getJobExecutorContext();
      if (!handedOffNonExclusive
          && acquisition.isActive()
          && thread != null
          && continuesNonExclusiveStep(job, thread.getCurrentJob())) {
        handedOffNonExclusive = true;
        Date now = ClockUtil.getCurrentTime();
        job.setLockExpirationTime(new Date(now.getTime() + acquisition.getLockTimeInMillis()));
        job.setLockOwner(acquisition.getLockOwner());
        Context.getCommandContext()
            .getTransactionContext()
            .addTransactionListener(
                TransactionState.COMMITTED, new ExclusiveJobAddedNotification(job.getId(), thread));
        return;
      }
      super.hintJobExecutor(job);
    }

    private boolean continuesNonExclusiveStep(JobEntity created, JobEntity running) {
      return running != null
          && !running.isExclusive()
          && !created.isExclusive()
          && !created.isSuspended()
          && isJobDue(created)
          && isJobPriorityInJobExecutorPriorityRange(created.getPriority())
          && inSameRun(created, running);
    }

    @Override
    protected boolean areInSameProcessInstance(JobEntity created, JobEntity running) {
      return super.areInSameProcessInstance(created, running) || inSameRun(created, running);
    }

    static boolean inSameRun(JobEntity created, JobEntity running) {
      if (created == null || running == null) {
        return false;
      }
      String root = runOf(created);
      return root != null && root.equals(runOf(running));
    }

    /**
     * The root process instance of a job's run. A job read back from the database may not carry it;
     * the job being run has its execution at hand, which does.
     */
    private static String runOf(JobEntity job) {
      if (job.getRootProcessInstanceId() != null) {
        return job.getRootProcessInstanceId();
      }
      return job.getExecutionId() == null ? null : job.getExecution().getRootProcessInstanceId();
    }
  }
}
