package org.switchman.process.jobs;

import java.time.Duration;
import java.util.Date;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.impl.util.ClockUtil;

/**
 * Wakes this node's job acquisition the moment a timer created on this node falls due.
 *
 * <p>Why: an idle job acquisition looks for due jobs every {@code wait-time-in-millis}, doubling up
 * to {@code max-wait}; a timer is run at the first look after its due date, so a 1-s grace after a
 * depool lasted 1.0–2.0 s (1.28 s on average in {@code scripts/bench rolling-restart}), on every
 * batch's critical path. The engine wakes the acquisition when a job is created, not when a timer
 * falls due.
 *
 * <p>What stays as it was: the wake-up only makes the acquisition look now, as it would at its next
 * poll; it acquires nothing itself, and a timer another node created, or one that falls due after
 * this node restarts, is found by the polling as before. Timers further away than {@link #HORIZON}
 * (approval reminders and expiries) are left to the polling, which is at most {@code max-wait}
 * late. The wake-ups wait on one daemon thread, ended by {@link #close()}.
 */
final class DueTimerWakeUps implements AutoCloseable {

  /** How far ahead a wake-up is kept in memory. */
  static final Duration HORIZON = Duration.ofMinutes(10);

  /** After the due date, so that the acquisition's query ({@code DUEDATE_ <= now}) finds it. */
  private static final long MARGIN_MILLIS = 5;

  private final ScheduledThreadPoolExecutor scheduler =
      new ScheduledThreadPoolExecutor(
          1,
          task -> {
            Thread thread = new Thread(task, "due-timer-wake-ups");
            thread.setDaemon(true);
            return thread;
          });

  /** Wakes {@code acquisition} just after {@code due}, unless that is beyond the horizon. */
  void wakeWhenDue(JobExecutor acquisition, Date due) {
    long delay = due.getTime() - ClockUtil.getCurrentTime().getTime() + MARGIN_MILLIS;
    if (delay > HORIZON.toMillis()) {
      return;
    }
    try {
      scheduler.schedule(
          () -> {
            if (acquisition.isActive()) {
              acquisition.jobWasAdded();
            }
          },
          Math.max(0, delay),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // the engine is closing: nothing is left to wake
    }
  }

  /** The wake-ups waiting, for tests. */
  int waiting() {
    return scheduler.getQueue().size();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
