package org.switchman.process;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the lock of every active run held ({@link RunbookLocks#keepAll}): once when the application
 * is up (the engine has started and the runbooks are deployed), so that after a restart or a
 * graceful stop the runs hold their locks again within seconds instead of at their next step, and
 * then every {@code switchman.etcd.lock-keeper-interval} (default a third of {@code
 * switchman.etcd.lock-ttl}, at most 5 s), so that a lock lost while etcd was out of reach is taken
 * back as soon as etcd answers and a second start is refused. A forced release is not undone (see
 * {@link RunbookLocks}). {@code 0s} leaves only the round at startup (for tests that drive locks
 * themselves). The keeper's thread stops with the application.
 */
@Component
public class RunLockKeeper implements DisposableBean {

  private static final Logger LOG = LoggerFactory.getLogger(RunLockKeeper.class);
  private static final Duration MAX_INTERVAL = Duration.ofSeconds(5);

  private final RunbookLocks locks;
  private final Duration interval;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread keeper = new Thread(runnable, "switchman-lock-keeper");
            keeper.setDaemon(true);
            return keeper;
          });

  public RunLockKeeper(
      RunbookLocks locks,
      @Value("${switchman.etcd.lock-keeper-interval:#{null}}") Duration interval) {
    this.locks = locks;
    Duration third = locks.lease().dividedBy(3);
    this.interval =
        interval != null ? interval : third.compareTo(MAX_INTERVAL) < 0 ? third : MAX_INTERVAL;
    if (this.interval.isNegative()) {
      throw new IllegalStateException("switchman.etcd.lock-keeper-interval must not be negative");
    }
  }

  /** The startup round, then the periodic one, on the keeper's own thread. */
  @EventListener(ApplicationReadyEvent.class)
  public void applicationReady() {
    if (interval.isZero()) {
      thread.execute(this::round);
    } else {
      thread.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** One round, now, on the caller's thread: what the application does when it is up. */
  public void round() {
    try {
      locks.keepAll();
    } catch (RuntimeException e) {
      // the engine database or etcd did not answer; the next round tries again
      LOG.warn("Lock keeper round failed: {}", e.getMessage());
    }
  }

  public Duration interval() {
    return interval;
  }

  /** Stops the keeper as the application begins to stop, before the engine and etcd client go. */
  @EventListener(ContextClosedEvent.class)
  public void applicationStopping() {
    thread.shutdownNow();
  }

  @Override
  public void destroy() {
    thread.shutdownNow();
  }
}
