package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.switchman.config.DbProperties;
import org.switchman.config.SwitchoverProperties;
import org.switchman.support.BoundSettings;

/**
 * The rollback of a lockdown waits for the section steps still running on other threads, and no
 * section step starts acting once the rollback has begun.
 */
class SectionStepsInFlightTest {

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void theRollbackWaitsForARunningStepOfItsLockdownOnly() throws Exception {
    SectionStepsInFlight inFlight = registry(Duration.ofSeconds(3), Duration.ofSeconds(10), 2);
    CountDownLatch acting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> sibling =
        CompletableFuture.supplyAsync(
            () ->
                inFlight.run(
                    "lockdown-1",
                    "s2",
                    () -> {
                      acting.countDown();
                      await(release);
                      return "read_only=1";
                    }),
            threads);
    assertThat(acting.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(inFlight.running("lockdown-1")).containsExactly("s2");
    assertThat(inFlight.closeAndAwait("lockdown-2"))
        .as("another lockdown waits for nothing")
        .isEmpty();

    CompletableFuture<List<String>> rollback =
        CompletableFuture.supplyAsync(() -> inFlight.closeAndAwait("lockdown-1"), threads);
    Thread.sleep(300);
    assertThat(rollback).as("the rollback waits while the sibling acts").isNotDone();
    release.countDown();
    assertThat(rollback.get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(sibling.get(1, TimeUnit.SECONDS)).isEqualTo("read_only=1");
    assertThat(inFlight.running("lockdown-1")).isEmpty();
  }

  @Test
  void aStepOfALockdownBeingRolledBackDoesNotAct() {
    SectionStepsInFlight inFlight = registry(Duration.ofSeconds(3), Duration.ofSeconds(10), 2);
    assertThat(inFlight.closeAndAwait("lockdown-1")).isEmpty();
    AtomicBoolean acted = new AtomicBoolean();
    assertThatThrownBy(() -> inFlight.run("lockdown-1", "s3", () -> acted.getAndSet(true)))
        .isInstanceOf(SectionStepsInFlight.LockdownRolledBackException.class)
        .hasMessageContaining("section s3 does not act");
    assertThat(acted).isFalse();
    assertThat(inFlight.run("lockdown-2", "s3", () -> "acted")).isEqualTo("acted");
  }

  @Test
  void aStepPastItsOwnDeadlineIsNamedInsteadOfWaitedForForever() throws Exception {
    // 7 statements of 20 ms and one catch-up pause of 10 ms: a step may take 150 ms
    SectionStepsInFlight inFlight = registry(Duration.ofMillis(10), Duration.ofMillis(10), 1);
    assertThat(inFlight.stepDeadline()).isEqualTo(Duration.ofMillis(150));
    CountDownLatch acting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Object> hung =
        CompletableFuture.supplyAsync(
            () ->
                inFlight.run(
                    "lockdown-1",
                    "s1",
                    () -> {
                      acting.countDown();
                      await(release);
                      return null;
                    }),
            threads);
    assertThat(acting.await(5, TimeUnit.SECONDS)).isTrue();
    long started = System.nanoTime();
    assertThat(inFlight.closeAndAwait("lockdown-1")).containsExactly("s1");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    release.countDown();
    hung.get(5, TimeUnit.SECONDS);
  }

  @Test
  void theDeadlineCoversEveryStatementAndTheCatchUpBudget() {
    SectionStepsInFlight inFlight = registry(Duration.ofSeconds(3), Duration.ofSeconds(10), 2);
    // (6 statements + 2 catch-up looks) x (3 s + 10 s) + 2 pauses of 10 ms
    assertThat(inFlight.stepDeadline()).isEqualTo(Duration.ofSeconds(104).plusMillis(20));
  }

  private static SectionStepsInFlight registry(Duration connect, Duration query, int attempts) {
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean("db", new DbProperties(null, null, null, null, connect, query));
    beans.addBean(
        "switchover",
        BoundSettings.bound(
            "switchman.switchover",
            SwitchoverProperties.class,
            Map.of("catch-up-attempts", Integer.toString(attempts), "catch-up-interval", "10ms")));
    return new SectionStepsInFlight(
        beans.getBeanProvider(DbProperties.class),
        beans.getBeanProvider(SwitchoverProperties.class));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
