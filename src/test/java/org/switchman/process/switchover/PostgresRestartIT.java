package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import org.switchman.lab.LabPostgres;
import org.switchman.support.ChildApp;
import org.switchman.support.JournalAssertions;
import org.switchman.support.LabWorld;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * The engine database restarted under a running switchover: a node on PostgreSQL ({@link
 * LabPostgres}, throwaway) drives a live switchover against the lab, and PostgreSQL is restarted (a
 * fast shutdown: every session ended) while the run prepares, before its first gate. The steps that
 * met the restart fail and run again once the database is back, no thread hangs on a dead
 * connection, and the run ends switched over with its journal's checks holding and its lock held.
 */
class PostgresRestartIT extends CrashResumeCase {

  private LabPostgres postgres;
  private Path secrets;

  @AfterEach
  void stopDatabase() {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      if (secrets != null) {
        FileSystemUtils.deleteRecursively(secrets.toFile());
      }
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  void aRestartOfPostgresWhileTheRunPreparesIsRiddenOut() throws Exception {
    Path dir = Files.createTempDirectory("switchman-pg-");
    Files.delete(dir);
    postgres = LabPostgres.start(dir, freePort());
    secrets =
        Files.createTempDirectory(
            Path.of("target"),
            "pg-secrets",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.copy(postgres.passwordFile(), secrets.resolve("spring.datasource.password"));
    app =
        ChildApp.attachedTo(
            lab,
            Map.of(
                "spring.profiles.active",
                "lab,lab-attach,postgres",
                "SWITCHMAN_DB_URL",
                postgres.jdbcUrl(),
                "SWITCHMAN_DB_USER",
                LabPostgres.USER,
                "SWITCHMAN_SECRETS_DIR",
                secrets.toString(),
                "switchman.switchover.catch-up-attempts",
                "8"));
    app.startAndAwaitHealthy(Map.of(), START_LIMIT);
    String dcFrom = world.primary();
    String dcTo = LabWorld.other(dcFrom);
    Map<String, String> before = world.state();
    SwitchoverRuns runs = new SwitchoverRuns(app.port());
    String run = runs.start(dcFrom, dcTo, "live");

    Instant restarting = Instant.now();
    postgres.restart();
    Duration down = Duration.between(restarting, Instant.now());
    System.out.printf(
        "PostgreSQL restarted in %d ms while run %s prepared%n", down.toMillis(), run);

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
          String key = tasks.get(0).path("taskDefinitionKey").asText();
          assertThat(key).as(diagnostics()).isIn("UserTask_GoNoGo", "UserTask_FinalGoNoGo");
          decide(runs, tasks.get(0), key.equals("UserTask_GoNoGo") ? "bob" : "dave", "GO");
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

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
