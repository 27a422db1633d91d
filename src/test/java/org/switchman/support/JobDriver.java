package org.switchman.support;

import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.management.JobDefinition;
import org.camunda.bpm.engine.runtime.Job;

/**
 * Runs a process test's jobs by hand, with the job executor off: the steps of a run, the timers a
 * normal run waits for, and any other timer only when a test fires it.
 */
public final class JobDriver {

  private final ManagementService management;
  private final Set<String> normalTimers;

  /**
   * @param normalTimers the timer activities that fire at once, as in a normal run
   */
  public JobDriver(ManagementService management, Set<String> normalTimers) {
    this.management = management;
    this.normalTimers = Set.copyOf(normalTimers);
  }

  /** Runs every job that is due in a normal run, until none is left. */
  public void drive() {
    driveWhile(job -> true);
  }

  /** Runs jobs like {@link #drive()} until the next job is the one of that activity. */
  public void driveUntil(String activity) {
    for (int round = 0; round < 500; round++) {
      List<Job> jobs = due();
      if (jobs.isEmpty()) {
        throw new AssertionError("the run settled before " + activity);
      }
      if (jobs.stream().anyMatch(job -> activity.equals(activityOf(job)))) {
        return;
      }
      management.executeJob(jobs.get(0).getId());
    }
    throw new AssertionError("the run did not reach " + activity);
  }

  /**
   * Runs due jobs like {@link #drive()}, but none of that activity, until only its jobs are left:
   * what runs side by side goes as far as it can before any of them.
   */
  public void driveAllBut(String activity) {
    driveWhile(job -> !activity.equals(activityOf(job)));
  }

  /** Runs the first due job that {@code runs} accepts, again and again, until there is none. */
  private void driveWhile(Predicate<Job> runs) {
    for (int round = 0; round < 500; round++) {
      List<Job> jobs = due().stream().filter(runs).toList();
      if (jobs.isEmpty()) {
        return;
      }
      management.executeJob(jobs.get(0).getId());
    }
    throw new AssertionError("the run did not settle");
  }

  /**
   * Runs the job of that activity once, whatever its due date: the failure it left for a retry (an
   * exception, or a simulated crash), or null when it did not fail.
   */
  public String attempt(String activity) {
    Job job =
        management.createJobQuery().list().stream()
            .filter(j -> activity.equals(activityOf(j)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no job for " + activity));
    try {
      management.executeJob(job.getId());
      return null;
    } catch (RuntimeException | Error e) {
      return String.valueOf(e.getMessage());
    }
  }

  /** Fires the timer of that activity now, whatever its due date. */
  public void fireTimer(String activity) {
    Job job =
        management.createJobQuery().timers().list().stream()
            .filter(j -> activity.equals(activityOf(j)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no timer " + activity));
    management.executeJob(job.getId());
  }

  public boolean isTimer(Job job) {
    JobDefinition definition = definition(job);
    return definition != null && definition.getJobType().startsWith("timer");
  }

  /**
   * The activity of a run's job; null for the engine's history cleanup, which has no definition.
   */
  public String activityOf(Job job) {
    JobDefinition definition = definition(job);
    return definition == null ? null : definition.getActivityId();
  }

  private List<Job> due() {
    Date now = new Date();
    return management.createJobQuery().withRetriesLeft().list().stream()
        // not the engine's own maintenance (the nightly history cleanup has no job definition);
        // a batch's jobs, which belong to no run either, are driven
        .filter(job -> job.getJobDefinitionId() != null)
        .filter(
            job ->
                job.getDuedate() == null
                    || normalTimers.contains(activityOf(job))
                    || !job.getDuedate().after(now))
        .filter(job -> !isTimer(job) || normalTimers.contains(activityOf(job)))
        .toList();
  }

  private JobDefinition definition(Job job) {
    if (job.getJobDefinitionId() == null) {
      return null;
    }
    return management
        .createJobDefinitionQuery()
        .jobDefinitionId(job.getJobDefinitionId())
        .singleResult();
  }
}
