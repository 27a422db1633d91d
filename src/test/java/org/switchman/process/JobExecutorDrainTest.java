package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobExecutorDrainTest {

  private final ThreadPoolExecutor pool =
      new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aRunningStepFinishesWithinTheGraceAndAQueuedOneNeverStarts() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    AtomicReference<String> ended = new AtomicReference<>();
    AtomicBoolean queuedStarted = new AtomicBoolean();
    pool.execute(
        () -> {
          running.countDown();
          try {
            Thread.sleep(700);
            ended.set("finished");
          } catch (InterruptedException e) {
            ended.set("interrupted");
          }
        });
    pool.execute(() -> queuedStarted.set(true));
    running.await();

    long started = System.nanoTime();
    boolean clean = JobExecutorDrain.drain(pool, Duration.ofSeconds(10), Duration.ofSeconds(1));

    assertThat(clean).isTrue();
    assertThat(ended).hasValue("finished");
    assertThat(queuedStarted).as("an acquired job waits for its lock to expire").isFalse();
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("no longer than the step")
        .isLessThan(5000);
  }

  @Test
  void aStepLongerThanTheGraceIsInterruptedAfterIt() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    AtomicReference<String> ended = new AtomicReference<>();
    pool.execute(
        () -> {
          running.countDown();
          try {
            Thread.sleep(60_000);
            ended.set("finished");
          } catch (InterruptedException e) {
            ended.set("interrupted");
          }
        });
    running.await();

    long started = System.nanoTime();
    boolean clean = JobExecutorDrain.drain(pool, Duration.ofMillis(500), Duration.ofSeconds(5));
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(clean).isFalse();
    assertThat(ended).hasValue("interrupted");
    assertThat(millis).as("interrupted after the grace, not before").isBetween(450L, 4000L);
    assertThat(pool.isTerminated()).isTrue();
  }
}
