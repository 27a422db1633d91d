package org.switchman.process.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-off on a real engine and job executor: with the plugin, the jobs a called process's
 * start and end create run on the thread of the job before them and never pass through the job
 * acquisition, and a timer runs when it falls due; without it, they wait for the acquisition. The
 * job executor records every job its acquisition hands out, and polls only every 20 s.
 */
class RunHandOffPluginTest {

  /** Far longer than the timers below: the acquisition's polling alone would run them late. */
  private static final int POLL_MILLIS = 20_000;

  private ProcessEngine engine;
  private RunHandOffPlugin plugin;
  private final Set<String> acquired = ConcurrentHashMap.newKeySet();

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    if (plugin != null) {
      plugin.close();
    }
  }

  @Test
  void aTimerRunsWhenItFallsDueNotAtTheAcquisitionsNextPoll() throws Exception {
    engine = start(true);
    deployTimer("PT3S");

    long started = System.nanoTime();
    String run = engine.getRuntimeService().startProcessInstanceByKey("timer").getId();
    assertThat(plugin.wakeUpsWaiting()).isEqualTo(1);

    awaitFinished(run, Duration.ofSeconds(12));
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    assertThat(plugin.wakeUpsWaiting()).isZero();
  }

  @Test
  void withoutThePluginATimerWaitsForTheAcquisitionsNextPoll() throws Exception {
    engine = start(false);
    deployTimer("PT1S");

    String run = engine.getRuntimeService().startProcessInstanceByKey("timer").getId();

    Thread.sleep(3_000);
    assertThat(finished(run)).isFalse();
  }

  @Test
  void aTimerBeyondTheHorizonIsLeftToThePolling() {
    engine = start(true);
    deployTimer("PT11M");

    engine.getRuntimeService().startProcessInstanceByKey("timer");

    assertThat(plugin.wakeUpsWaiting()).isZero();
  }

  private void deployTimer(String duration) {
    engine
        .getRepositoryService()
        .createDeployment()
        .addModelInstance(
            "timer.bpmn",
            Bpmn.createExecutableProcess("timer")
                .startEvent()
                .intermediateCatchEvent("Timer_Wait")
                .timerWithDuration(duration)
                .serviceTask("ServiceTask_After")
                .camundaExpression("${true}")
                .endEvent()
                .done())
        .deploy();
  }

  private boolean finished(String run) {
    return engine
            .getHistoryService()
            .createHistoricProcessInstanceQuery()
            .processInstanceId(run)
            .finished()
            .count()
        == 1;
  }

  private void awaitFinished(String run, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!finished(run)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("the run did not finish within " + limit);
      }
      Thread.sleep(20);
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
  void aChainOfStepsThatAreNotExclusiveRunsOnTheThreadOfItsFirstStep() throws Exception {
    engine = start(true);

    List<HistoricJobLog> created = run(chainOfStepsNotExclusive(false));

    assertThat(created).hasSize(3);
    assertThat(acquired).containsOnly(jobOf(created, "ServiceTask_First"));
  }

  @Test
  void withoutThePluginEachStepThatIsNotExclusiveIsAcquired() throws Exception {
    engine = start(false);

    List<HistoricJobLog> created = run(chainOfStepsNotExclusive(false));

    assertThat(acquired)
        .containsExactlyInAnyOrder(
            jobOf(created, "ServiceTask_First"),
            jobOf(created, "ServiceTask_Second"),
            jobOf(created, "ServiceTask_Third"));
  }

  @Test
  void anExclusiveStepAfterOneThatIsNotIsAcquired() throws Exception {
    engine = start(true);

    List<HistoricJobLog> created = run(chainOfStepsNotExclusive(true));

    assertThat(acquired)
        .containsExactlyInAnyOrder(
            jobOf(created, "ServiceTask_First"), jobOf(created, "ServiceTask_Third"));
  }

  /**
   * The hosts end in an exclusive job each, so that they never collide where they join (a job that
   * collides is run again through the acquisition).
   */
  @Test
  void ofTheHostsAStepOpensOnlyOneRunsOnItsThreadTheOthersAreAcquired() throws Exception {
    engine = start(true);

    List<HistoricJobLog> created =
        run(
            Bpmn.createExecutableProcess("run")
                .startEvent()
                .serviceTask("ServiceTask_First")
                .camundaAsyncBefore()
                .camundaExclusive(false)
                .camundaExpression("${true}")
                .subProcess("SubProcess_Hosts")
                .embeddedSubProcess()
                .startEvent()
                .serviceTask("ServiceTask_Host")
                .camundaAsyncBefore()
                .camundaExclusive(false)
                .camundaExpression("${true}")
                .intermediateThrowEvent("Event_HostDone")
                .camundaAsyncBefore()
                .endEvent()
                .subProcessDone()
                .multiInstance()
                .parallel()
                .cardinality("3")
                .multiInstanceDone()
                .endEvent()
                .done());

    List<String> hosts =
        created.stream()
            .filter(log -> "ServiceTask_Host".equals(log.getActivityId()))
            .map(HistoricJobLog::getJobId)
            .toList();
    assertThat(hosts).hasSize(3);
    assertThat(acquired).contains(jobOf(created, "ServiceTask_First"));
    assertThat(hosts).filteredOn(acquired::contains).hasSize(2);
  }

  /**
   * Three steps, each in a job of its own, the first two not exclusive; the third exclusive when
   * asked.
   */
  private static BpmnModelInstance chainOfStepsNotExclusive(boolean thirdExclusive) {
    return Bpmn.createExecutableProcess("run")
        .startEvent()
        .serviceTask("ServiceTask_First")
        .camundaAsyncBefore()
        .camundaExclusive(false)
        .camundaExpression("${true}")
        .serviceTask("ServiceTask_Second")
        .camundaAsyncBefore()
        .camundaExclusive(false)
        .camundaExpression("${true}")
        .serviceTask("ServiceTask_Third")
        .camundaAsyncBefore()
        .camundaExclusive(thirdExclusive)
        .camundaExpression("${true}")
        .endEvent()
        .done();
  }

  /**
   * Deploys the processes and runs the one of key {@code run} (the first) to its end; returns the
   * creation log of the jobs of its run.
   */
  private List<HistoricJobLog> run(BpmnModelInstance run, BpmnModelInstance... called)
      throws InterruptedException {
    DeploymentBuilder deployment =
        engine.getRepositoryService().createDeployment().addModelInstance("run.bpmn", run);
    for (int i = 0; i < called.length; i++) {
      deployment.addModelInstance("called-" + i + ".bpmn", called[i]);
    }
    deployment.deploy();
    String instance = engine.getRuntimeService().startProcessInstanceByKey("run").getId();
    awaitFinished(instance, Duration.ofSeconds(10));
    return engine.getHistoryService().createHistoricJobLogQuery().creationLog().list();
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
    return run(
        Bpmn.createExecutableProcess("run")
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
            .done(),
        Bpmn.createExecutableProcess("child")
            .startEvent()
            .serviceTask("ServiceTask_Inside")
            .camundaAsyncBefore()
            .camundaExpression("${true}")
            .endEvent()
            .done());
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
    DefaultJobExecutor jobExecutor =
        new DefaultJobExecutor() {
          @Override
          public void executeJobs(List<String> jobIds, ProcessEngineImpl processEngine) {
            acquired.addAll(jobIds);
            super.executeJobs(jobIds, processEngine);
          }
        };
    jobExecutor.setWaitTimeInMillis(POLL_MILLIS);
    jobExecutor.setMaxWait(POLL_MILLIS);
    configuration.setJobExecutor(jobExecutor);
    configuration.setJobExecutorActivate(true);
    if (handOff) {
      plugin = new RunHandOffPlugin();
      configuration.setProcessEnginePlugins(List.of(plugin));
    }
    return ((ProcessEngineConfigurationImpl) configuration).buildProcessEngine();
  }
}
