package org.switchman.process.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.history.HistoricJobLog;
import org.camunda.bpm.engine.impl.ProcessEngineImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.jobexecutor.DefaultJobExecutor;
import org.camunda.bpm.engine.impl.persistence.entity.MessageEntity;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-off on a real engine and job executor: with the plugin, the jobs a called process's
 * start and end create run on the thread of the job before them and never pass through the job
 * acquisition; without it they do. The job executor records every job its acquisition hands out.
 */
class RunHandOffPluginTest {

  private ProcessEngine engine;
  private final Set<String> acquired = ConcurrentHashMap.newKeySet();

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void theJobsAcrossACalledProcessRunOnTheThreadBeforeThemWithoutAnAcquisition() throws Exception {
    engine = start(true);

    List<HistoricJobLog> created = runCallerAndChild();

    assertThat(created).hasSize(3);
    assertThat(acquired).containsOnly(jobOf(created, "ServiceTask_Before"));
  }

  @Test
  void withoutThePluginEachJobAcrossACalledProcessIsAcquired() throws Exception {
    engine = start(false);

    List<HistoricJobLog> created = runCallerAndChild();

    assertThat(acquired)
        .containsExactlyInAnyOrder(
            jobOf(created, "ServiceTask_Before"),
            jobOf(created, "ServiceTask_Inside"),
            jobOf(created, "ServiceTask_After"));
  }

  @Test
  void jobsOfTwoRunsAreNeverOneRun() {
    MessageEntity created = job("run-1", "called-1");
    assertThat(RunHandOffPlugin.RunJobManager.inSameRun(created, job("run-1", "run-1"))).isTrue();
    assertThat(RunHandOffPlugin.RunJobManager.inSameRun(created, job("run-2", "run-2"))).isFalse();
    assertThat(RunHandOffPlugin.RunJobManager.inSameRun(job(null, "a"), job(null, "b"))).isFalse();
    assertThat(RunHandOffPlugin.RunJobManager.inSameRun(created, null)).isFalse();
  }

  private static MessageEntity job(String root, String processInstance) {
    MessageEntity job = new MessageEntity();
    job.setRootProcessInstanceId(root);
    job.setProcessInstanceId(processInstance);
    return job;
  }

  /** Runs the caller to its end; returns the creation log of its jobs. */
  private List<HistoricJobLog> runCallerAndChild() throws InterruptedException {
    engine
        .getRepositoryService()
        .createDeployment()
        .addModelInstance(
            "caller.bpmn",
            Bpmn.createExecutableProcess("caller")
                .startEvent()
                .serviceTask("ServiceTask_Before")
                .camundaAsyncBefore()
                .camundaExpression("${true}")
                .callActivity("CallActivity_Child")
                .calledElement("child")
                .serviceTask("ServiceTask_After")
                .camundaAsyncBefore()
                .camundaExpression("${true}")
                .endEvent()
                .done())
        .addModelInstance(
            "child.bpmn",
            Bpmn.createExecutableProcess("child")
                .startEvent()
                .serviceTask("ServiceTask_Inside")
                .camundaAsyncBefore()
                .camundaExpression("${true}")
                .endEvent()
                .done())
        .deploy();
    String run = engine.getRuntimeService().startProcessInstanceByKey("caller").getId();
    for (int i = 0; i < 200; i++) {
      if (engine
              .getHistoryService()
              .createHistoricProcessInstanceQuery()
              .processInstanceId(run)
              .finished()
              .count()
          == 1) {
        return engine.getHistoryService().createHistoricJobLogQuery().creationLog().list();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the caller did not finish");
  }

  private static String jobOf(List<HistoricJobLog> created, String activity) {
    return created.stream()
        .filter(log -> activity.equals(log.getActivityId()))
        .map(HistoricJobLog::getJobId)
        .findFirst()
        .orElseThrow();
  }

  private ProcessEngine start(boolean handOff) {
    StandaloneInMemProcessEngineConfiguration configuration =
        new StandaloneInMemProcessEngineConfiguration();
    configuration.setJdbcUrl("jdbc:h2:mem:hand-off-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    configuration.setHistory(ProcessEngineConfiguration.HISTORY_FULL);
    configuration.setJobExecutor(
        new DefaultJobExecutor() {
          @Override
          public void executeJobs(List<String> jobIds, ProcessEngineImpl processEngine) {
            acquired.addAll(jobIds);
            super.executeJobs(jobIds, processEngine);
          }
        });
    configuration.setJobExecutorActivate(true);
    if (handOff) {
      configuration.setProcessEnginePlugins(List.of(new RunHandOffPlugin()));
    }
    return ((ProcessEngineConfigurationImpl) configuration).buildProcessEngine();
  }
}
