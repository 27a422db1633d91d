package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchman.lab.LabFault;
import org.switchman.support.ChildApp;
import org.switchman.support.JournalAssertions;
import org.switchman.support.LabWorld;
import org.switchman.support.SwitchoverRuns;

/**
 * A run killed (SIGKILL) at the wait for the old TTL, stopped (SIGTERM) at the first GO/NOGO, then
 * killed right after the final GO was answered 204, in the in-flight grace of the read-only window
 * and at a section's decision, each time down for longer than the lock's lease or the timer it
 * waited on. After each restart the lock is listed and a second start refused (again once the old
 * lease has surely expired); an overdue timer fires within 2 s of the node answering; the final GO
 * is kept; the read-only budget that ran out while the node was down is escalated at the restart;
 * and the run ends switched over.
 */
class CrashWhileWaitingIT extends CrashResumeCase {

  /**
   * The read-only window's grace and budget. The window starts once the node is back from the kill
   * after the final GO, and the test kills it again as soon as it has read the grace's due date (a
   * few seconds, more on a busy machine): the grace is long enough that this kill comes inside it,
   * and the budget runs out while the node is down.
   */
  private static final Duration GRACE = Duration.ofSeconds(25);

  private static final Duration BUDGET = Duration.ofSeconds(35);

  /**
   * The wait for the old TTL outlasts the preparation's other steps, so that the run waits at the
   * timer alone when the node is killed there.
   */
  @Override
  Duration discoveryTtl() {
    return Duration.ofSeconds(50);
  }

  /**
   * A run killed (SIGKILL) at the wait for the old TTL, stopped (SIGTERM) at the first GO/NOGO,
   * then killed right after the final GO was answered 204, in the in-flight grace of the read-only
   * window and at a section's decision, each time down for longer than the lock's lease or the
   * timer it waited on. After each restart the lock is listed and a second start refused (again
   * once the old lease has surely expired); an overdue timer fires within 2 s of the node
   * answering; the final GO is kept; the read-only budget that ran out while the node was down is
   * escalated at the restart; and the run ends switched over.
   */
  @Test
  void stoppedOrKilledWhileWaitingResumesWithItsLockAndItsOverdueTimersAtOnce() {
    app =
        ChildApp.attachedTo(
            lab,
            Map.of(
                "switchman.etcd.lock-ttl",
                LOCK_TTL.toSeconds() + "s",
                "switchman.switchover.catch-up-attempts",
                "8"));
    app.startAndAwaitHealthy(Map.of(), START_LIMIT);
    String dcFrom = world.primary();
    String dcTo = LabWorld.other(dcFrom);
    Map<String, String> before = world.state();
    SwitchoverRuns runs = new SwitchoverRuns(app.port());
    String run =
        runs.start(
            dcFrom,
            dcTo,
            "live",
            Map.of(
                "readOnlyBudget", "PT" + BUDGET.toSeconds() + "S",
                "inFlightGrace", "PT" + GRACE.toSeconds() + "S"));

    // at the wait for the old TTL, before the first gate: a kill, down past the timer
    Instant due = waitingAtOnly(run, "Timer_WaitOldTtl");
    app.kill();
    sleepUntil(due.plusSeconds(3));
    Instant answered = Instant.now().plus(restart(run));
    firedWithinTwoSecondsOf(answered, run, "Timer_WaitOldTtl");

    // at the first gate: a graceful stop, down past the lease
    runs.awaitTask("UserTask_GoNoGo");
    app.stop(Duration.ofMinutes(2));
    sleep(LOCK_TTL.plusSeconds(2).toMillis());
    restartAndKeepTheLockPastTheLease(run);
    runs.approve(run, "UserTask_GoNoGo", "bob");

    // the final GO, killed as soon as it was answered 204: the approval survives (the master goes
    // down once the gate has read the pre-checks again, which would refuse GO)
    JsonNode finalGate = runs.awaitTask("UserTask_FinalGoNoGo");
    LabFault masterDown =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.DB_MASTER_DOWN, null, null, "s1", dcFrom, null, null));
    decide(runs, finalGate, "dave", "GO");
    Instant acknowledged = Instant.now();
    Instant signalled = app.kill();
    System.out.println(
        "crash case SIGKILL sent "
            + Duration.between(acknowledged, signalled).toMillis()
            + " ms after the final GO was answered 204");
    restart(run);
    approvalSurvived(run, finalGate, "dave");

    // in the grace of the read-only window: a kill, down past the grace and the budget (the
    // longer of the two)
    Instant graceDue = jobDue(run, "Timer_InFlightGrace");
    Instant budgetRunsOut = Instant.parse(runs.variable(run, "readOnlyStartedAt")).plus(BUDGET);
    assertThat(graceDue).isBefore(budgetRunsOut);
    Instant killed = app.kill();
    assertThat(killed).as("killed before the budget ran out").isBefore(budgetRunsOut);
    sleepUntil(budgetRunsOut.plusSeconds(5));
    answered = Instant.now().plus(restart(run));
    firedWithinTwoSecondsOf(answered, run, "Timer_InFlightGrace");
    Instant budgetFired = firedWithinTwoSecondsOf(answered, run, "Timer_ReadOnlyBudgetExceeded");
    assertThat(budgetFired).as("the budget ran out while the node was down").isAfter(killed);

    // at the decision of the section whose old master is down: a kill, down past the lease
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSectionFailure");
    app.kill();
    sleep(LOCK_TTL.plusSeconds(2).toMillis());
    restart(run);
    JsonNode same = runs.awaitTask("UserTask_DecideOnSectionFailure");
    assertThat(same.path("id").asText()).isEqualTo(decision.path("id").asText());
    assertThat(runs.variable(same, "section")).isEqualTo("s1");
    lab.faults().clear(masterDown.id());
    runs.decide(same, "retry", "s1 master is back");

    runs.awaitOutcome(run, "switched-over");
    List<JournalAssertions.Entry> journal = new JournalAssertions(app.port()).journal(run);
    assertThat(journal)
        .as("the budget escalated once")
        .filteredOn(e -> e.kind().equals("ESCALATION") && e.outcome().equals("EXCEEDED"))
        .hasSize(1);
    new JournalAssertions(app.port()).hold(run, entry -> false);
    world.verifySwitchedTo(dcTo, dcFrom, before);
    assertThat(lockProblems).as("the run's lock while it lived").isEmpty();
  }
}
