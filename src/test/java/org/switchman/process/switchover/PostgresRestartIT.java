package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchman.support.ChildApp;
import org.switchman.support.JournalAssertions;
import org.switchman.support.LabWorld;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;
import org.switchman.support.ThrowawayPostgres;

/**
 * The engine database restarted under a running switchover: a node on PostgreSQL ({@link
 * ThrowawayPostgres}) drives a live switchover against the lab, and PostgreSQL is restarted three
 * times, a second apart (a fast shutdown: every session ended), while the run prepares, before its
 * first gate. The steps that met a restart fail and run again once the database is back (a failure
 * the engine could not record is released by the node's next beat), no thread hangs on a dead
 * connection, and the run ends switched over with its journal's checks holding and its lock held.
 */
class PostgresRestartIT extends CrashResumeCase {

  private ThrowawayPostgres postgres;

  @AfterEach
  void stopDatabase() {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  void aRestartOfPostgresWhileTheRunPreparesIsRiddenOut() {
    postgres = ThrowawayPostgres.start();
    Map<String, String> settings = new java.util.HashMap<>(postgres.settings());
    settings.put("spring.profiles.active", "lab,lab-attach,postgres");
    settings.put("switchman.switchover.catch-up-attempts", "8");
    app = ChildApp.attachedTo(lab, settings);
    app.startAndAwaitHealthy(Map.of(), START_LIMIT);
    String dcFrom = world.primary();
    String dcTo = LabWorld.other(dcFrom);
    Map<String, String> before = world.state();
    SwitchoverRuns runs = new SwitchoverRuns(app.port());
    String run = runs.start(dcFrom, dcTo, "live");

    // three restarts a second apart, so that steps meet one in flight: reading, committing, or
    // recording their failure
    for (int restart = 1; restart <= 3; restart++) {
      Instant restarting = Instant.now();
      postgres.server().restart();
      System.out.printf(
          "PostgreSQL restart %d took %d ms while run %s prepared%n",
          restart, Duration.between(restarting, Instant.now()).toMillis(), run);
      sleep(1000);
    }

    Instant deadline = Instant.now().plus(RUN_LIMIT);
    while (true) {
      assertThat(Instant.now()).as("run " + run + " ends; " + diagnostics()).isBefore(deadline);
      assertThat(app.alive()).as(app.logTail(60)).isTrue();
      try {
        if (!runs.history(run).path("state").asText().equals("ACTIVE")) {
          break;
        }
        lockHeldAndSecondStartRefused(run);
        JsonNode tasks =
            Rest.as(app.port(), "admin", "demo")
                .get("/engine-rest/task?processInstanceId=" + run)
                .json();
        if (tasks.size() > 0) {
          goOrTick(runs, tasks.get(0));
        }
      } catch (UncheckedIOException | IllegalStateException | AssertionError notYet) {
        // a request that met the database restarting (503): asked again
        if (notYet instanceof AssertionError
            && !String.valueOf(notYet.getMessage()).contains("503")) {
          throw notYet;
        }
      }
      sleep(500);
    }

    System.out.printf(
        "PostgreSQL restarts: %d job runs failed, %d failures never recorded and released%n",
        app.logTail(100000).split("ENGINE-14006", -1).length - 1,
        app.logTail(100000).split("was never recorded", -1).length - 1);
    assertThat(Rest.as(app.port(), "admin", "demo").get("/engine-rest/incident").json()).isEmpty();
    assertThat(runs.history(run).path("state").asText()).isEqualTo("COMPLETED");
    assertThat(runs.variable(run, "outcome")).isEqualTo("switched-over");
    new JournalAssertions(app.port()).hold(run, entry -> false);
    world.verifySwitchedTo(dcTo, dcFrom, before);
    assertThat(lockProblems).as("the run's lock while it lived").isEmpty();
  }
}
