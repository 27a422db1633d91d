package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchman.support.ChildApp;
import org.switchman.support.JournalAssertions;
import org.switchman.support.LabWorld;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * A run killed at the first GO/NOGO and down until its approval has expired: at the restart the
 * expiry fires at once, is journaled, and the run rolls back and releases its lock.
 */
class ApprovalExpiryWhileDownIT extends CrashResumeCase {

  /**
   * A run killed at the first GO/NOGO and down until its approval has expired: at the restart the
   * expiry fires at once, is journaled, and the run rolls back and releases its lock.
   */
  @Test
  void anApprovalThatExpiredWhileTheNodeWasDownStopsTheRunAtTheRestart() {
    app =
        ChildApp.attachedTo(
            lab,
            Map.of(
                "switchman.switchover.approval-timeout",
                "PT20S",
                "switchman.switchover.approval-reminder",
                "PT10S"));
    app.startAndAwaitHealthy(Map.of(), START_LIMIT);
    String dcFrom = world.primary();
    Map<String, String> before = world.state();
    SwitchoverRuns runs = new SwitchoverRuns(app.port());
    String run = runs.start(dcFrom, LabWorld.other(dcFrom), "live");
    runs.awaitTask("UserTask_GoNoGo");
    Instant expires = jobDue(run, "Timer_GoNoGoExpired");
    app.kill();
    sleepUntil(expires.plusSeconds(3));
    Instant answered = Instant.now().plus(app.startAndAwaitHealthy(Map.of(), START_LIMIT));
    firedWithinTwoSecondsOf(answered, run, "Timer_GoNoGoExpired");
    runs.awaitOutcome(run, "rolled-back");
    assertThat(new JournalAssertions(app.port()).journal(run))
        .as("the expiry")
        .filteredOn(e -> e.kind().equals("EXPIRY"))
        .hasSize(1);
    new JournalAssertions(app.port()).hold(run, entry -> false);
    world.verifyUnchanged(dcFrom, before);
    // released right after the run's end commits
    SwitchoverRuns.await(
        () ->
            !Rest.as(app.port(), "carol", "demo").get("/switchman/api/locks").body().contains(run),
        Duration.ofSeconds(10),
        () -> "the lock of run " + run + " released");
  }
}
