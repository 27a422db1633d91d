package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.switchman.SwitchmanApplication;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.support.AppLabSlot;
import org.switchman.support.ChildApp;
import org.switchman.support.JournalAssertions;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * Stopping the application while a section waits for its catch-up (the lab's {@code
 * REPLICATION_DELAY} on s1 codfw): the step either finishes before the engine closes, or, past
 * {@code switchman.shutdown.step-grace}, is interrupted and says "interrupted by shutdown". Either
 * way the stop opens no operator decision. The stopped engine's database is then opened again,
 * without the lab and without the job executor, to look at what the stop left.
 */
class GracefulStopIT {

  private static final String STEP = "ServiceTask_SetOldMasterReadOnly";
  private static final String DECISION = "UserTask_DecideOnSectionFailure";

  private static AppLabSlot slot() {
    return AppLabSlot.firstFree(81, 9200, List.of("s1", "s2"));
  }

  private static ConfigurableApplicationContext start(Path dataDir, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.profiles.active=lab",
                "--switchman.data-dir=" + dataDir,
                "--switchman.lab.dir=" + dataDir.resolve("lab-servers")));
    args.addAll(slot().arguments());
    for (String setting : more) {
      args.add("--" + setting);
    }
    return new SpringApplicationBuilder(SwitchmanApplication.class)
        .run(args.toArray(String[]::new));
  }

  /** The stopped run's engine database, opened without lab servers and without the job executor. */
  private static ConfigurableApplicationContext inspect(Path dataDir) {
    return new SpringApplicationBuilder(SwitchmanApplication.class)
        .run(
            "--server.port=0",
            "--spring.profiles.active=lab",
            "--switchman.lab.servers=false",
            "--switchman.data-dir=" + dataDir,
            "--camunda.bpm.job-execution.enabled=false");
  }

  /**
   * Starts a standalone live {@code db-masters-read-only} run eqiad → codfw with s1 codfw lagging
   * by {@code delaySeconds}, gives GO and returns once s1's old master is read-only, that is while
   * its step waits for the catch-up.
   */
  private static String runUntilS1Waits(int port, int delaySeconds) {
    Rest admin = Rest.as(port, "admin", "demo");
    Rest.Reply fault =
        admin.post(
            "/lab/api/faults",
            "{\"kind\":\"REPLICATION_DELAY\",\"section\":\"s1\","
                + "\"dc\":\"codfw\",\"seconds\":"
                + delaySeconds
                + "}");
    assertThat(fault.status()).as(fault.body()).isLessThan(300);
    Rest.Reply started =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/db-masters-read-only/start",
                "{\"variables\":{\"dcFrom\":{\"value\":\"eqiad\"},\"dcTo\":{\"value\":\"codfw\"},"
                    + "\"mode\":{\"value\":\"live\"},\"reason\":{\"value\":\"Graceful stop test\"},"
                    + "\"ticket\":{\"value\":\"T4243\"}}}");
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String run = started.json().path("id").asText();
    new SwitchoverRuns(port).approve(run, "UserTask_GoNoGo", "bob");
    JournalAssertions journal = new JournalAssertions(port);
    SwitchoverRuns.await(
        () ->
            journal.journal(run).stream()
                .anyMatch(
                    entry ->
                        entry.target().startsWith("s1 eqiad")
                            && entry.outcome().equals("PERFORMED")),
        Duration.ofSeconds(60),
        () -> "s1 eqiad read-only; journal: " + journal.journal(run));
    return run;
  }

  private static long closeAndTime(ConfigurableApplicationContext app) {
    long started = System.nanoTime();
    app.close();
    return (System.nanoTime() - started) / 1_000_000;
  }

  /** The run's step jobs by section. */
  private static Map<String, Job> stepJobs(ProcessEngine engine, String run) {
    return engine
        .getManagementService()
        .createJobQuery()
        .processInstanceId(run)
        .activityId(STEP)
        .list()
        .stream()
        .collect(
            Collectors.toMap(
                job ->
                    (String)
                        engine.getRuntimeService().getVariable(job.getExecutionId(), "section"),
                job -> job));
  }

  /**
   * A SIGTERM to the application's JVM, as {@code systemctl stop} sends: its own lab servers keep
   * running until the waiting step has finished and the engine has closed.
   */
  @Test
  void aStopLetsTheWaitingStepFinishAgainstTheLabBeforeTheEngineCloses() {
    AppLabSlot slot = slot();
    ChildApp app =
        ChildApp.withOwnLab(
            Map.of(
                "switchman.lab.sections",
                "s1,s2",
                "switchman.lab.loopback-network",
                slot.lab().loopbackNetwork(),
                "switchman.lab.port-offset",
                Integer.toString(slot.portOffset()),
                "switchman.switchover.catch-up-attempts",
                "120",
                // Spring alone waits for running tasks only within a lifecycle phase's timeout,
                // here 1 s
                "spring.lifecycle.timeout-per-shutdown-phase",
                "1s"));
    Path dataDir = app.dataDir();
    String run;
    long closeMillis;
    try {
      app.startAndAwaitHealthy(Map.of(), Duration.ofMinutes(4));
      run = runUntilS1Waits(app.port(), 4);
      long started = System.nanoTime();
      app.stop(Duration.ofMinutes(2));
      closeMillis = (System.nanoTime() - started) / 1_000_000;
    } finally {
      app.close();
    }
    System.out.printf(
        "SIGTERM to exit took %d ms while s1 waited for a 4 s replication delay%n", closeMillis);

    try (ConfigurableApplicationContext stopped = inspect(dataDir)) {
      ProcessEngine engine = stopped.getBean(ProcessEngine.class);
      assertThat(engine.getTaskService().createTaskQuery().taskDefinitionKey(DECISION).count())
          .as("the stop opened no operator decision")
          .isZero();
      assertThat(stepJobs(engine, run))
          .as("s1's step finished and committed before the stop")
          .doesNotContainKey("s1");
      assertThat(
              engine
                  .getManagementService()
                  .createJobQuery()
                  .processInstanceId(run)
                  .withException()
                  .list())
          .as("no step failed")
          .isEmpty();
      assertThat(
              engine
                  .getHistoryService()
                  .createHistoricActivityInstanceQuery()
                  .processInstanceId(run)
                  .activityId(STEP)
                  .finished()
                  .count())
          .as("both sections' steps completed")
          .isEqualTo(2);
    }
    assertThat(closeMillis)
        .as("the stop waited for the catch-up, within the grace")
        .isLessThan(Duration.ofSeconds(60).toMillis());
  }

  @Test
  void aStepLongerThanTheGraceIsInterruptedAndSaysSoWithoutADecision() {
    Path dataDir = Path.of("target", "test-data", "graceful-" + UUID.randomUUID()).toAbsolutePath();
    String run;
    long closeMillis;
    // 400 catch-up looks make a section step's deadline 91 min: the job lock must outlast it
    try (ConfigurableApplicationContext app =
        start(
            dataDir,
            "switchman.switchover.catch-up-attempts=400",
            "switchman.shutdown.step-grace=PT2S",
            "camunda.bpm.job-execution.lock-time-in-millis=6000000")) {
      run = runUntilS1Waits(((WebServerApplicationContext) app).getWebServer().getPort(), 120);
      closeMillis = closeAndTime(app);
    }
    System.out.printf(
        "close took %d ms with a 2 s step grace and s1 waiting for 120 s%n", closeMillis);

    try (ConfigurableApplicationContext stopped = inspect(dataDir)) {
      ProcessEngine engine = stopped.getBean(ProcessEngine.class);
      assertThat(engine.getTaskService().createTaskQuery().taskDefinitionKey(DECISION).count())
          .as("the stop opened no operator decision")
          .isZero();
      Job s1 = stepJobs(engine, run).get("s1");
      assertThat(s1).as("s1's step is still to do").isNotNull();
      assertThat(s1.getExceptionMessage())
          .as("the job says why it failed")
          .contains("interrupted by shutdown while waiting for the codfw master of s1 to catch up");
      assertThat(s1.getRetries()).as("it will run again").isPositive();
      assertThat(engine.getRuntimeService().createIncidentQuery().processInstanceId(run).count())
          .isZero();
      List<JournalEntry> journal = stopped.getBean(Journal.class).entriesOfRun(run);
      assertThat(journal)
          .as("nothing but the lockdown itself was journaled as failed")
          .noneMatch(entry -> entry.outcome().equals("FAILED"));
    }
    assertThat(closeMillis)
        .as("interrupted after the 2 s grace, not waiting for the 120 s lag")
        .isBetween(1500L, 30_000L);
  }
}
