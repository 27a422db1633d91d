package org.switchman.infra;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A piece of housekeeping run on a daemon thread of its own, first after {@code delay} and then
 * every {@code every}, until {@link #close}; a failed round is logged and the next one tries again.
 */
public final class PeriodicTask implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PeriodicTask.class);

  private final ScheduledExecutorService thread;

  public PeriodicTask(String name, Duration delay, Duration every, Runnable task) {
    thread =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread daemon = new Thread(runnable, name);
              daemon.setDaemon(true);
              return daemon;
            });
    thread.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.warn("{} failed (tried again in {}): {}", name, every, e.getMessage());
          }
        },
        delay.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
