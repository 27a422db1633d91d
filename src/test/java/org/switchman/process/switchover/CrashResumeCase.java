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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.switchman.crash.CrashPoint;
import org.switchman.lab.Lab;
import org.switchman.lab.LabConfig;
import org.switchman.lab.LabSlots;
import org.switchman.support.AppLabSlot;
import org.switchman.support.ChildApp;
import org.switchman.support.JournalAssertions;
import org.switchman.support.LabWorld;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * The crash cases' common ground. A live switchover whose node dies (SIGKILL, or a crash point's
 * halt right after a change and before the engine commits) or is stopped (SIGTERM), and is started
 * again on the same data directory, against a lab that runs in this test JVM and so keeps its state
 * across the crash (a fresh lab for each case). Each case drives the run to its end through REST as
 * alice, bob and dave, and then checks: the run completed without incidents and with the expected
 * outcome, the journal (every INTENT closed, no overlapping executions, no change performed twice,
 * the chain intact), the site with the real clients, and, after every restart and at every poll
 * while the run lived, that {@code /switchman/api/locks} listed its lock and a second start was
 * refused. Two cases go down while the run waits (at a gate, a timer, a decision) for longer than
 * the lock's lease and the timer, and check that overdue timers fire at once; one is killed right
 * after a GO was answered, which must not be lost.
 *
 * <p>Each case is a test class of its own, so that the build's test JVMs share them out. Times per
 * case go to {@code target/crash-resume-times.txt}.
 */
abstract class CrashResumeCase {

  static final Duration START_LIMIT = Duration.ofMinutes(4);
  static final Duration RUN_LIMIT = Duration.ofMinutes(12);
  static final Path TIMES = Path.of("target", "crash-resume-times.txt");
  static final Duration LOCK_TTL = Duration.ofSeconds(10);

  /**
   * The lab's database sections: three, so that a crash finds sections locked and in flight side by
   * side, without the eleven of the full lab that {@code SwitchoverIT} runs.
   */
  static final List<String> SECTIONS = List.of("s1", "s2", "s3");

  Lab lab;
  LabWorld world;
  ChildApp app;

  /** What the lock checks found while the run lived; asserted last, after the other checks. */
  final List<String> lockProblems = new ArrayList<>();

  /**
   * A fresh lab for each case (eqiad primary, nothing locked), so that a case that fails halfway
   * leaves nothing to the next one; it runs in this JVM and outlives every application crash.
   */
  @BeforeEach
  void startLab() {
    Path dir = Path.of("target", "crash-it-lab-" + getClass().getSimpleName()).toAbsolutePath();
    Duration ttl = discoveryTtl();
    LabConfig config =
        LabSlots.firstFree(
            slot ->
                LabConfig.forTests(Path.of("target"))
                    .relocated(dir, "127." + (110 + slot), 11000 + 200 * slot)
                    .withSections(SECTIONS)
                    .withDiscoveryTtl(ttl),
            5);
    lab = Lab.start(config);
    world = new LabWorld(lab);
  }

  /**
   * The discovery records' TTL at the lab's start: the test labs' short one, above the short TTL
   * the child applications reduce it to ({@link AppLabSlot}), so that the waits for it stay short.
   */
  Duration discoveryTtl() {
    return AppLabSlot.TEST_DISCOVERY_TTL;
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

  // ---------------------------------------------------------------- the case

  /**
   * Starts the application with the first crash point, starts a live switchover from the primary,
   * drives it to its end through every crash and restart (each restart with the next crash point,
   * the last one without), and checks the outcome.
   *
   * @param crashPoints {@code switchman.test.crash-point} for each start but the last, in the order
   *     the run reaches them
   */
  void crashAndResume(List<String> crashPoints, FinalGate finalGate) {
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
          } else if (key.equals(org.switchman.support.Checklists.PREPARATION)
              || key.equals(org.switchman.support.Checklists.FOLLOW_UP)) {
            runs.tickChecklists();
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
  void restartAndKeepTheLockPastTheLease(String run) {
    restart(run);
    sleep(LOCK_TTL.plusSeconds(2).toMillis());
    lockHeldAndSecondStartRefused(run);
  }

  /** The approval answered before the kill is in the history and the journal, the gate passed. */
  void approvalSurvived(String run, JsonNode gate, String approver) {
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
  Instant waitingAtOnly(String run, String activity) {
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
    Instant due = SwitchoverRuns.engineTime(jobs[0].get(0).path("dueDate").asText());
    assertThat(due)
        .as("the run waited at " + activity + " alone before it was due")
        .isAfter(Instant.now());
    return due;
  }

  /** The due date of the run's timer job at that activity, once the run waits there. */
  Instant jobDue(String run, String activity) {
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
    return SwitchoverRuns.engineTime(job[0].path("dueDate").asText());
  }

  /**
   * The run's timer at that activity fired at most 2 s after the restarted node answered.
   *
   * @return when it fired
   */
  Instant firedWithinTwoSecondsOf(Instant answered, String run, String activity) {
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
    Duration late = Duration.between(answered, SwitchoverRuns.engineTime(end[0]));
    System.out.println(
        "crash case "
            + activity
            + " fired "
            + late.toMillis()
            + " ms after the restarted node answered");
    assertThat(late).as(activity + " after the restart").isLessThanOrEqualTo(Duration.ofSeconds(2));
    return SwitchoverRuns.engineTime(end[0]);
  }

  static void sleepUntil(Instant moment) {
    long millis = Duration.between(Instant.now(), moment).toMillis();
    if (millis > 0) {
      sleep(millis);
    }
  }

  /** Starts the application again on the same data directory, without the crash point. */
  Duration restart(String run) {
    return restart(run, null);
  }

  /** Starts the application again on the same data directory, with that crash point or none. */
  Duration restart(String run, String crashPoint) {
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
  void lockHeldAndSecondStartRefusedUnlessItHalts(String run) {
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
  void lockHeldAndSecondStartRefused(String run) {
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

  void lockHeld(String run) {
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

  /**
   * Answers a task of a switchover that only waits for people: GO at a gate (bob at the first, dave
   * at the final), or every step ticked on a checklist.
   */
  void goOrTick(SwitchoverRuns runs, JsonNode task) {
    String key = task.path("taskDefinitionKey").asText();
    assertThat(key)
        .isIn(
            "UserTask_GoNoGo",
            "UserTask_FinalGoNoGo",
            org.switchman.support.Checklists.PREPARATION,
            org.switchman.support.Checklists.FOLLOW_UP);
    if (key.startsWith("UserTask_Confirm")) {
      runs.tickChecklists();
    } else {
      decide(runs, task, key.equals("UserTask_GoNoGo") ? "bob" : "dave", "GO");
    }
  }

  void decide(SwitchoverRuns runs, JsonNode task, String user, String decision) {
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

  String diagnostics() {
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

  static void record(
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

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
