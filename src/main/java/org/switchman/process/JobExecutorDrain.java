package org.switchman.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.spring.components.jobexecutor.SpringJobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;
import org.switchman.config.ShutdownProperties;

/**
 * Stops the job executor gently when the application stops (SIGTERM or a closed context): it
 * acquires no more jobs and starts none of those it had acquired (they run again when this node
 * starts again and releases its own locks, or on another node once their lock expires), gives the
 * running steps {@code switchman.shutdown.step-grace} to finish and commit, and only then
 * interrupts them. An interrupted step throws {@link
 * org.switchman.runbook.port.StepInterruptedException}, which never opens an operator decision; it
 * gets {@code interrupt-grace} to record its failure.
 *
 * <p>This runs in the first lifecycle phase to stop, before any bean is destroyed, so the engine
 * and its database are still there while the steps finish. Without it, the Camunda starter's task
 * executor waits for running jobs only within Spring's lifecycle phase timeout ({@code
 * spring.lifecycle.timeout-per-shutdown-phase}, 30 s), keeps acquiring jobs meanwhile, and
 * interrupts what still runs when it is destroyed, after the engine has closed, so the interrupted
 * job's failure is never recorded.
 */
@Component
public class JobExecutorDrain implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(JobExecutorDrain.class);

  private final ObjectProvider<JobExecutor> jobExecutor;
  private final ShutdownProperties settings;
  private volatile boolean running;

  public JobExecutorDrain(ObjectProvider<JobExecutor> jobExecutor, ShutdownProperties settings) {
    this.jobExecutor = jobExecutor;
    this.settings = settings;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    JobExecutor executor = jobExecutor.getIfAvailable();
    if (executor == null) {
      return;
    }
    executor.shutdown();
    if (executor instanceof SpringJobExecutor spring
        && spring.getTaskExecutor() instanceof ThreadPoolTaskExecutor pool) {
      drain(pool.getThreadPoolExecutor(), settings.stepGrace(), settings.interruptGrace());
    }
  }

  /**
   * Lets the running tasks of a pool finish within {@code grace}, dropping those not started;
   * interrupts what still runs after it and waits {@code interruptGrace} more.
   *
   * @return whether the pool finished without interrupting anything
   */
  static boolean drain(ThreadPoolExecutor pool, Duration grace, Duration interruptGrace) {
    List<Runnable> notStarted = new ArrayList<>();
    pool.getQueue().drainTo(notStarted);
    pool.shutdown();
    int active = pool.getActiveCount();
    if (active > 0 || !notStarted.isEmpty()) {
      LOG.info(
          "Stopping: waiting up to {} for {} running step(s); {} acquired job batch(es) not"
              + " started run again at this node's restart",
          grace,
          active,
          notStarted.size());
    }
    if (awaitTermination(pool, grace)) {
      return true;
    }
    LOG.warn(
        "Stopping: {} step(s) still running after {}; interrupting them (they run again"
            + " when the application is back)",
        pool.getActiveCount(),
        grace);
    pool.shutdownNow();
    if (!awaitTermination(pool, interruptGrace)) {
      LOG.warn(
          "Stopping: {} interrupted step(s) did not end within {}",
          pool.getActiveCount(),
          interruptGrace);
    }
    return false;
  }

  private static boolean awaitTermination(ThreadPoolExecutor pool, Duration limit) {
    try {
      return pool.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return pool.isTerminated();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops first: before the web server and before the task executor's own lifecycle. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}
