package org.switchman.process.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.switchman.SwitchmanApplication;
import org.switchman.config.JournalKey;
import org.switchman.support.FakeSite;

/**
 * The application's job executor at startup: it locks jobs under the node's name, and a lock time
 * shorter than the longest step stops the start with a message naming the setting and the step. The
 * refused start comes first: a start in the same JVM after it must work as ever.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobExecutorStartIT {

  private final Path root =
      Path.of("target", "test-data", "job-executor-" + UUID.randomUUID()).toAbsolutePath();

  @Test
  @Order(2)
  void theJobExecutorLocksUnderTheNodeNameForLongerThanTheLongestStep() throws Exception {
    JournalKey.generate(root.resolve("journal.key"));
    try (ConfigurableApplicationContext app = start("--switchman.node-name=node-7")) {
      JobExecutor executor = app.getBean(JobExecutor.class);
      assertThat(executor.getLockOwner()).isEqualTo("node-7");
      assertThat(executor.getLockTimeInMillis()).isEqualTo(5_100_000);
      StepDeadlines deadlines = app.getBean(JobLockTimeCheck.class).deadlines();
      assertThat(deadlines.longest().deadline().toMillis()).isLessThan(5_100_000);
      // the history cleanup is scheduled in the night's window
      ProcessEngine engine = app.getBean(ProcessEngine.class);
      ProcessEngineConfigurationImpl configuration =
          (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
      assertThat(configuration.getHistoryCleanupBatchWindowStartTime()).isEqualTo("01:00");
      assertThat(configuration.getHistoryCleanupBatchWindowEndTime()).isEqualTo("05:00");
      List<Job> cleanup = engine.getHistoryService().findHistoryCleanupJobs();
      assertThat(cleanup).isNotEmpty();
      assertThat(cleanup)
          .allSatisfy(
              job ->
                  assertThat(
                          job.getDuedate()
                              .toInstant()
                              .atZone(java.time.ZoneId.systemDefault())
                              .getHour())
                      .isBetween(1, 4));
    }
  }

  @Test
  @Order(1)
  void aLockTimeShorterThanTheLongestStepStopsTheStart() throws Exception {
    JournalKey.generate(root.resolve("journal.key"));
    Throwable refused =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> start("--camunda.bpm.job-execution.lock-time-in-millis=60000").close());
    while (refused != null && refused.getCause() != null) {
      refused = refused.getCause();
    }
    assertThat(refused)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("camunda.bpm.job-execution.lock-time-in-millis is 60000")
        .hasMessageMatching("(?s).*not longer than the longest step: [a-z-]+ [A-Za-z_]+ can run .*")
        .hasMessageContaining("runs a second time beside the first");
  }

  private ConfigurableApplicationContext start(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--switchman.data-dir=" + root.resolve("data"),
                "--switchman.lab.servers=false",
                "--switchman.journal.key-file=" + root.resolve("journal.key"),
                "--server.port=0"));
    FakeSite.settings().forEach((key, value) -> args.add("--" + key + "=" + value));
    args.addAll(List.of(extra));
    return new SpringApplicationBuilder(SwitchmanApplication.class)
        .profiles("lab")
        .run(args.toArray(String[]::new));
  }
}
