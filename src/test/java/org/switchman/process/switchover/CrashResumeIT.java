package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.switchman.crash.CrashPoint;
import org.switchman.lab.Lab;
import org.switchman.lab.LabConfig;
import org.switchman.lab.LabFault;
import org.switchman.lab.LabSlots;
import org.switchman.support.ChildApp;
import org.switchman.support.JournalAssertions;
import org.switchman.support.LabWorld;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * A live switchover whose node dies (SIGKILL, or a crash point's halt right after a change and
 * before the engine commits) or is stopped (SIGTERM), and is started again on the same data
 * directory, against a lab that runs in this test JVM and so keeps its state across the crash (a
 * fresh lab for each case). Each case drives the run to its end through REST as alice, bob and
 * dave, and then checks: the run completed without incidents and with the expected outcome, the
 * journal (every INTENT closed, no overlapping executions, no change performed twice, the chain
 * intact), the site with the real clients, and, after every restart and at every poll while the run
 * lived, that {@code /switchman/api/locks} listed its lock and a second start was refused. Two
 * cases go down while the run waits (at a gate, a timer, a decision) for longer than the lock's
 * lease and the timer, and check that overdue timers fire at once; one is killed right after a GO
 * was answered, which must not be lost.
 *
 * <p>{@code -Dswitchman.crash.matrix=all} adds a crash after the first change of every step of
 * {@code dc-switchover} (and before the first change and at the step's end for four of them). Times
 * per case go to {@code target/crash-resume-times.txt}.
 */
class CrashResumeIT {

  private static final Duration START_LIMIT = Duration.ofMinutes(4);
  private static final Duration RUN_LIMIT = Duration.ofMinutes(12);
  private static final Path TIMES = Path.of("target", "crash-resume-times.txt");
  private static final Duration LOCK_TTL = Duration.ofSeconds(10);

  private Lab lab;
  private LabWorld world;
  private ChildApp app;

  /** What the lock checks found while the run lived; asserted last, after the other checks. */
  private final List<String> lockProblems = new ArrayList<>();

  /**
   * A fresh lab for each case (eqiad primary, nothing locked), so that a case that fails halfway
   * leaves nothing to the next one; it runs in this JVM and outlives every application crash.
   */
  @BeforeEach
  void startLab(TestInfo test) {
    Path dir = Path.of("target", "crash-it-lab").toAbsolutePath();
    // the case that kills the node at the wait for the old TTL needs a wait that outlasts the
    // preparation's other steps, so that the run waits at the timer alone
    Duration ttl =
        Duration.ofSeconds(
            test.getTestMethod()
                    .map(m -> m.getName())
                    .orElse("")
                    .startsWith("stoppedOrKilledWhileWaiting")
                ? 50
                : 12);
    LabConfig config =
        LabSlots.firstFree(
            slot ->
                LabConfig.forTests(Path.of("target"))
                    .relocated(dir, "127." + (110 + slot), 11000 + 200 * slot)
                    .withDiscoveryTtl(ttl),
            5);
    lab = Lab.start(config);
    world = new LabWorld(lab);
  }

  /** Kills the application, then stops the lab. */
  @AfterEach
  void stopEverything() {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      if (lab != null) {
        lab.close();
      }
    }
  }

  /** How a case ends: GO at both gates, or NOGO at the final one. */
  enum FinalGate {
    GO,
    NOGO
  }

  @Test
  void crashAfterStoppingMaintenanceThenNogoRestartsMaintenanceWhereItRan() {
    crashAndResume(List.of("ServiceTask_StopMaintenance:PERFORMED:1"), FinalGate.NOGO);
  }

  /**
   * One run that crashes four times, each start with the next crash point: after reducing a TTL
   * (restored as read), after ReadOnly on, after one section went read-only, and after the depool
   * of the old datacenter; it finishes the switchover.
   */
  @Test
  void crashesAfterTheTtlReadOnlyASectionAndTheDepoolEachResumeAndFinishTheSwitchover() {
    crashAndResume(
        List.of(
            "ServiceTask_ReduceDiscoveryTtl:PERFORMED:1",
            "ServiceTask_SetMediaWikiReadOnly:PERFORMED:1",
            "ServiceTask_SetOldMasterReadOnly:PERFORMED:1",
            "ServiceTask_DepoolOldDatacenter:PERFORMED:1"),
        FinalGate.GO);
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
            dcFrom, dcTo, "live", Map.of("readOnlyBudget", "PT30S", "inFlightGrace", "PT10S"));

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

    // the final GO, killed as soon as it was answered 204: the approval survives
    LabFault masterDown =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.DB_MASTER_DOWN, null, null, "s1", dcFrom, null, null));
    JsonNode finalGate = runs.awaitTask("UserTask_FinalGoNoGo");
    decide(runs, finalGate, "dave", "GO");
    Instant acknowledged = Instant.now();
    Instant signalled = app.kill();
    System.out.println(
        "crash case SIGKILL sent "
            + Duration.between(acknowledged, signalled).toMillis()
            + " ms after the final GO was answered 204");
    restart(run);
    approvalSurvived(run, finalGate, "dave");

    // in the grace of the read-only window: a kill, down past the grace and the budget
    Instant graceDue = jobDue(run, "Timer_InFlightGrace");
    Instant killed = app.kill();
    sleepUntil(graceDue.plus(Duration.ofSeconds(30)));
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

  /**
   * Every async step of dc-switchover; the four of the review also before the change and at the
   * end.
   */
  static Stream<String> everyStep() {
    List<String> points = new ArrayList<>();
    for (String step :
        List.of(
            "ServiceTask_DisablePuppetOnMaintenanceHosts",
            "ServiceTask_ReduceDiscoveryTtl",
            "ServiceTask_WarmUpCaches",
            "ServiceTask_DowntimeReadOnlyChecks",
            "ServiceTask_StopMaintenance",
            "ServiceTask_SetMediaWikiReadOnly",
            "ServiceTask_SetOldMasterReadOnly",
            "ServiceTask_PoolNewDatacenter",
            "ServiceTask_SetMasterDatacenter",
            "ServiceTask_DepoolOldDatacenter",
            "ServiceTask_SetNewMasterReadWrite",
            "ServiceTask_SetMediaWikiReadWrite",
            "ServiceTask_RestartEnvoyOnJobrunners",
            "ServiceTask_StartMaintenance",
            "ServiceTask_RestoreDiscoveryTtl",
            "ServiceTask_RunPuppetOnDbMasters")) {
      points.add(step + ":PERFORMED:1");
    }
    for (String step :
        List.of(
            "ServiceTask_RunPreChecks",
            "ServiceTask_CheckDiscoveryDns",
            "ServiceTask_CheckSwitchedOverState")) {
      points.add(step + ":" + CrashPoint.STEP_END);
    }
    for (String step :
        List.of(
            "ServiceTask_StopMaintenance",
            "ServiceTask_SetMediaWikiReadOnly",
            "ServiceTask_SetOldMasterReadOnly",
            "ServiceTask_DepoolOldDatacenter")) {
      points.add(step + ":INTENT:1");
      points.add(step + ":" + CrashPoint.STEP_END);
    }
    return points.stream();
  }

  @ParameterizedTest
  @MethodSource("everyStep")
  @EnabledIfSystemProperty(named = "switchman.crash.matrix", matches = "all")
  void crashAtEveryStep(String point) {
    crashAndResume(List.of(point), FinalGate.GO);
  }

  // ---------------------------------------------------------------- the case

  /**
   * Starts the application with the first crash point, starts a live switchover from the primary,
   * drives it to its end through every crash and restart (each restart with the next crash point,
   * the last one without), and checks the outcome.
   *
   * @param crashPoints {@code switchman.test.crash-point} for each start but the last, in the order
   *     the run reaches them
   */
  private void crashAndResume(List<String> crashPoints, FinalGate finalGate) {
    Instant t0 = Instant.now();
    app =
        ChildApp.attachedTo(
            lab,
            Map.of(
                "switchman.switchover.catch-up-attempts", "8",
                // production's fallback: a resumed TTL step that forgot the TTL it read restores
                // 300 s
                "switchman.switchover.ttl-if-unknown", "300"));
    Duration firstStart =
        app.startAndAwaitHealthy(Map.of(CrashPoint.PROPERTY, crashPoints.get(0)), START_LIMIT);
    String dcFrom = world.primary();
    String dcTo = LabWorld.other(dcFrom);
    Map<String, String> before = world.state();
    SwitchoverRuns runs = new SwitchoverRuns(app.port());
    // warm-up is optional; its crash point needs it asked for
    boolean warmUp = crashPoints.stream().anyMatch(p -> p.startsWith("ServiceTask_WarmUpCaches:"));
    String run = runs.start(dcFrom, dcTo, "live", warmUp ? Map.of("warmUpCaches", true) : Map.of());
    lockHeldAndSecondStartRefusedUnlessItHalts(run);

    int crashes = 0;
    List<Duration> restarts = new ArrayList<>();
    Instant deadline = Instant.now().plus(RUN_LIMIT);
    while (true) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "run " + run + " has not ended within " + RUN_LIMIT + "; " + diagnostics());
      }
      if (!app.alive()) {
        assertThat(app.exitValue()).as(app.logTail(40)).isEqualTo(CrashPoint.EXIT_STATUS);
        assertThat(crashes)
            .as("crashes, for crash points " + crashPoints + "; log:\n" + app.logTail(40))
            .isLessThan(crashPoints.size());
        assertThat(app.logTail(200)).contains("CRASH POINT " + crashPoints.get(crashes));
        crashes++;
        restarts.add(restart(run, crashes < crashPoints.size() ? crashPoints.get(crashes) : null));
        continue;
      }
      try {
        if (!runs.history(run).path("state").asText().equals("ACTIVE")) {
          break;
        }
        lockHeld(run);
        JsonNode tasks =
            Rest.as(app.port(), "admin", "demo")
                .get("/engine-rest/task?processInstanceId=" + run)
                .json();
        if (tasks.size() > 0) {
          JsonNode task = tasks.get(0);
          String key = task.path("taskDefinitionKey").asText();
          if (key.equals("UserTask_GoNoGo")) {
            decide(runs, task, "bob", "GO");
          } else if (key.equals("UserTask_FinalGoNoGo")) {
            decide(runs, task, "dave", finalGate.name());
          } else {
            throw new AssertionError(
                "run "
                    + run
                    + " asks "
                    + key
                    + ": "
                    + Rest.as(app.port(), "admin", "demo")
                        .get("/engine-rest/task/" + task.path("id").asText() + "/variables")
                        .body());
          }
        }
      } catch (UncheckedIOException | IllegalStateException appWentDown) {
        if (!app.dies(Duration.ofSeconds(10))) {
          throw appWentDown;
        }
        continue; // the crash point hit while we asked: the next round restarts it
      }
      sleep(500);
    }
    Duration run1 = Duration.between(t0, Instant.now());
    assertThat(crashes)
        .as("one crash per crash point (a point that is never reached fails here)")
        .isEqualTo(crashPoints.size());

    JsonNode incidents = Rest.as(app.port(), "admin", "demo").get("/engine-rest/incident").json();
    assertThat(incidents.size()).as(incidents.toString()).isZero();
    assertThat(runs.history(run).path("state").asText()).isEqualTo("COMPLETED");
    String outcome = runs.variable(run, "outcome");
    record(
        String.join(" ", crashPoints),
        firstStart,
        restarts,
        run1,
        Duration.between(t0, Instant.now()),
        outcome);
    new JournalAssertions(app.port()).hold(run, entry -> false);
    if (finalGate == FinalGate.GO) {
      assertThat(outcome).isEqualTo("switched-over");
      world.verifySwitchedTo(dcTo, dcFrom, before);
    } else {
      world.verifyUnchanged(dcFrom, before);
    }
    assertThat(lockProblems).as("the run's lock while it lived").isEmpty();
  }

  /** Restarts, then checks the lock again once the lease of the node that went down has expired. */
  private void restartAndKeepTheLockPastTheLease(String run) {
    restart(run);
    sleep(LOCK_TTL.plusSeconds(2).toMillis());
    lockHeldAndSecondStartRefused(run);
  }

  /** The approval answered before the kill is in the history and the journal, the gate passed. */
  private void approvalSurvived(String run, JsonNode gate, String approver) {
    JsonNode done =
        Rest.as(app.port(), "admin", "demo")
            .get("/engine-rest/history/task?taskId=" + gate.path("id").asText())
            .json()
            .get(0);
    assertThat(done.path("endTime").isNull()).as("the gate completed: " + done).isFalse();
    assertThat(done.path("assignee").asText()).isEqualTo(approver);
    assertThat(
            Rest.as(app.port(), "admin", "demo")
                .get("/engine-rest/task?taskId=" + gate.path("id").asText())
                .json())
        .as("the gate is not open again")
        .isEmpty();
    SwitchoverRuns.await(
        () ->
            new JournalAssertions(app.port())
                .journal(run).stream()
                    .anyMatch(
                        e ->
                            e.kind().equals("APPROVAL")
                                && e.step().equals(gate.path("taskDefinitionKey").asText())
                                && e.outcome().equals("GO")),
        Duration.ofSeconds(20),
        () -> "the APPROVAL of " + approver + " in the journal of " + run);
  }

  /**
   * The due date of the run's timer job at that activity, once that timer is the run's only job
   * (its other branches are done, so nothing else is in flight).
   */
  private Instant waitingAtOnly(String run, String activity) {
    Rest admin = Rest.as(app.port(), "admin", "demo");
    JsonNode[] jobs = new JsonNode[1];
    SwitchoverRuns.await(
        () -> {
          jobs[0] = admin.get("/engine-rest/job?processInstanceId=" + run).json();
          // a job's representation does not name its activity: ask for the activity's job
          return jobs[0].size() == 1
              && jobs[0]
                  .get(0)
                  .path("id")
                  .asText()
                  .equals(
                      admin
                          .get(
                              "/engine-rest/job?processInstanceId="
                                  + run
                                  + "&activityId="
                                  + activity)
                          .json()
                          .path(0)
                          .path("id")
                          .asText());
        },
        Duration.ofMinutes(2),
        () ->
            "run "
                + run
                + " to wait at "
                + activity
                + " alone; jobs "
                + jobs[0]
                + "; "
                + diagnostics());
    Instant due = engineTime(jobs[0].get(0).path("dueDate").asText());
    assertThat(due)
        .as("the run waited at " + activity + " alone before it was due")
        .isAfter(Instant.now());
    return due;
  }

  /** The due date of the run's timer job at that activity, once the run waits there. */
  private Instant jobDue(String run, String activity) {
    Rest admin = Rest.as(app.port(), "admin", "demo");
    JsonNode[] job = new JsonNode[1];
    SwitchoverRuns.await(
        () -> {
          JsonNode jobs =
              admin
                  .get("/engine-rest/job?processInstanceId=" + run + "&activityId=" + activity)
                  .json();
          job[0] = jobs.size() > 0 ? jobs.get(0) : null;
          return job[0] != null;
        },
        Duration.ofMinutes(3),
        () -> "run " + run + " to wait at " + activity + "; " + diagnostics());
    return engineTime(job[0].path("dueDate").asText());
  }

  /**
   * The run's timer at that activity fired at most 2 s after the restarted node answered.
   *
   * @return when it fired
   */
  private Instant firedWithinTwoSecondsOf(Instant answered, String run, String activity) {
    Rest admin = Rest.as(app.port(), "admin", "demo");
    String[] end = new String[1];
    SwitchoverRuns.await(
        () -> {
          for (JsonNode done :
              admin
                  .get(
                      "/engine-rest/history/activity-instance?processInstanceId="
                          + run
                          + "&activityId="
                          + activity)
                  .json()) {
            if (done.hasNonNull("endTime")) {
              end[0] = done.path("endTime").asText();
              return true;
            }
          }
          return false;
        },
        Duration.ofMinutes(1),
        () -> activity + " of run " + run + " to fire; " + diagnostics());
    Duration late = Duration.between(answered, engineTime(end[0]));
    System.out.println(
        "crash case "
            + activity
            + " fired "
            + late.toMillis()
            + " ms after the restarted node answered");
    assertThat(late).as(activity + " after the restart").isLessThanOrEqualTo(Duration.ofSeconds(2));
    return engineTime(end[0]);
  }

  /** A time as the engine's REST API writes it, such as {@code 2026-12-01T20:40:00.123+0000}. */
  private static Instant engineTime(String text) {
    return java.time.OffsetDateTime.parse(
            text, java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ"))
        .toInstant();
  }

  private static void sleepUntil(Instant moment) {
    long millis = Duration.between(Instant.now(), moment).toMillis();
    if (millis > 0) {
      sleep(millis);
    }
  }

  /** Starts the application again on the same data directory, without the crash point. */
  private Duration restart(String run) {
    return restart(run, null);
  }

  /** Starts the application again on the same data directory, with that crash point or none. */
  private Duration restart(String run, String crashPoint) {
    Duration took =
        app.startAndAwaitHealthy(
            crashPoint == null ? Map.of() : Map.of(CrashPoint.PROPERTY, crashPoint), START_LIMIT);
    if (crashPoint == null) {
      lockHeldAndSecondStartRefused(run);
    } else {
      lockHeldAndSecondStartRefusedUnlessItHalts(run);
    }
    return took;
  }

  /**
   * As {@link #lockHeldAndSecondStartRefused}, unless the crash point halts the application
   * meanwhile.
   */
  private void lockHeldAndSecondStartRefusedUnlessItHalts(String run) {
    try {
      lockHeldAndSecondStartRefused(run);
    } catch (UncheckedIOException | IllegalStateException appWentDown) {
      if (!app.dies(Duration.ofSeconds(10))) {
        throw appWentDown;
      }
    }
  }

  /**
   * While the run lives, its lock is listed and a second start is refused: with 409 naming the run
   * when only the lock stands in the way, or with 400 when the site as the run has left it already
   * fails the start's own checks (the new datacenter already pooled, say). A start accepted because
   * the run ended in the meantime, and so released its lock, is no problem.
   */
  private void lockHeldAndSecondStartRefused(String run) {
    lockHeld(run);
    // a dry-run changes nothing even if it were wrongly accepted; from the primary of now, so
    // that only the lock can refuse it
    String primary = world.primary();
    Rest.Reply second =
        new SwitchoverRuns(app.port()).tryStart(primary, LabWorld.other(primary), "dry-run");
    if (second.status() == 200) {
      String id = second.json().path("id").asText();
      Rest.as(app.port(), "admin", "demo")
          .delete("/engine-rest/process-instance/" + id + "?skipCustomListeners=false");
    }
    boolean refusedByLock = second.status() == 409 && second.body().contains(run);
    boolean refusedByChecks = second.status() == 400;
    boolean ranOut =
        second.status() == 200
            && !new SwitchoverRuns(app.port()).history(run).path("state").asText().equals("ACTIVE");
    if (!refusedByLock && !refusedByChecks && !ranOut) {
      lockProblems.add(
          Instant.now()
              + " a second start while run "
              + run
              + " lives was answered "
              + second.status()
              + ": "
              + second.body());
    }
  }

  private void lockHeld(String run) {
    JsonNode locks = Rest.as(app.port(), "carol", "demo").get("/switchman/api/locks").json();
    boolean held = false;
    for (JsonNode lock : locks) {
      held |= lock.path("runId").asText().equals(run);
    }
    if (!held
        && !new SwitchoverRuns(app.port()).history(run).path("state").asText().equals("ACTIVE")) {
      return; // it ended between the two reads and released its lock
    }
    if (!held && lockProblems.size() < 8) {
      lockProblems.add(Instant.now() + " the locks did not list run " + run + ": " + locks);
    }
  }

  private void decide(SwitchoverRuns runs, JsonNode task, String user, String decision) {
    runs.complete(
        Rest.as(app.port(), user, "demo"),
        task.path("id").asText(),
        "{\"decision\":{\"value\":\""
            + decision
            + "\"},\"comment\":{\"value\":\""
            + decision
            + " from "
            + user
            + "\"}}");
  }

  private String diagnostics() {
    try {
      Rest admin = Rest.as(app.port(), "admin", "demo");
      return "open tasks: "
          + admin.get("/engine-rest/task").body()
          + ", incidents: "
          + admin.get("/engine-rest/incident").body()
          + ", jobs: "
          + admin.get("/engine-rest/job").body();
    } catch (UncheckedIOException down) {
      return "the application does not answer; its log ends:\n" + app.logTail(40);
    }
  }

  private static void record(
      String point,
      Duration firstStart,
      List<Duration> restarts,
      Duration run,
      Duration total,
      String outcome) {
    String line =
        String.format(
            "%-52s app start %3d s, restart %s s, start to run end %3d s,"
                + " with checks %3d s, outcome %s%n",
            point,
            firstStart.toSeconds(),
            restarts.stream().map(d -> Long.toString(d.toSeconds())).toList(),
            run.toSeconds(),
            total.toSeconds(),
            outcome);
    System.out.print("crash case " + line);
    try {
      Files.writeString(TIMES, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
