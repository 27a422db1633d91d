package org.switchman.runbook.switchover;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.port.StepInterruptedException;

/**
 * Parts of one step that run side by side, a few at a time, on threads of their own that end with
 * the step (an interrupted step interrupts its parts and waits for them to end): every part runs
 * even when another fails, and the step then fails with all their failures.
 */
final class SideBySide {

  /** One part: a host's commands, for example. */
  interface Part {
    void run();
  }

  private SideBySide() {}

  /**
   * Runs the parts, at most {@code atOnce} at a time, and returns when all have ended.
   *
   * @param what what the parts do, for the message of an interruption
   * @throws CheckFailedException when parts failed their checks: their messages joined, under the
   *     check of the first
   * @throws StepInterruptedException when the calling thread is interrupted (a shutdown): the parts
   *     still running are interrupted, and those not started never start
   * @throws RuntimeException the first failure that is not a failed check, after every part ended
   */
  static void run(List<Part> parts, int atOnce, String what) {
    if (parts.isEmpty()) {
      return;
    }
    ExecutorService threads =
        Executors.newFixedThreadPool(
            Math.min(atOnce, parts.size()),
            runnable -> {
              Thread thread = new Thread(runnable, "switchman-side-by-side");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<?>> running = new ArrayList<>();
      parts.forEach(part -> running.add(threads.submit(part::run)));
      List<CheckFailedException> failedChecks = new ArrayList<>();
      RuntimeException other = null;
      for (Future<?> part : running) {
        try {
          part.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof CheckFailedException check) {
            failedChecks.add(check);
          } else if (other == null && e.getCause() instanceof RuntimeException failure) {
            other = failure;
          } else if (other == null) {
            other = new IllegalStateException(e.getCause());
          }
        }
      }
      if (other != null) {
        throw other;
      }
      if (!failedChecks.isEmpty()) {
        throw new CheckFailedException(
            failedChecks.get(0).check(),
            String.join("; ", failedChecks.stream().map(Throwable::getMessage).toList()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepInterruptedException(what, e);
    } finally {
      threads.shutdownNow();
      awaitEnd(threads);
    }
  }

  /**
   * Waits until the parts interrupted by a shutdown have ended, so that none acts after the step; a
   * part that ignores its interruption is given {@link #PART_END} at most.
   */
  private static void awaitEnd(ExecutorService threads) {
    boolean interrupted = Thread.interrupted();
    try {
      threads.awaitTermination(PART_END.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How long a step waits for its interrupted parts to end. */
  static final java.time.Duration PART_END = java.time.Duration.ofSeconds(10);
}
