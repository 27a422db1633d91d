package org.switchman.process.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.switchman.audit.Journal;
import org.switchman.process.gates.RefusedInputException;
import org.switchman.support.FakeSite;
import org.switchman.support.FakeSiteProcessTest;
import org.switchman.support.JobDriver;

/**
 * {@code restart-after-deploy} path by path, on the real engine, catalogue and delegates, with
 * conftool and the hosts in memory ({@link FakeSite}: five jobrunners in two datacenters, a
 * videoscaler and a maintenance host) and the job executor off.
 */
class DeployRestartProcessTest extends FakeSiteProcessTest {

  /** The waits of a normal run: the grace, the readiness polls and the pauses. */
  private static final Set<String> NORMAL_TIMERS =
      Set.of("Timer_Grace", "Timer_ReadinessPoll", "Timer_PauseBetweenBatches");

  @Autowired ProcessEngine engine;
  @Autowired RuntimeService runtime;
  @Autowired TaskService tasks;
  @Autowired ManagementService management;
  @Autowired IdentityService identity;
  @Autowired HistoryService history;
  @Autowired FakeSite site;
  @Autowired Journal journal;

  private JobDriver driver;

  @BeforeEach
  void setUp() {
    BpmnAwareTests.init(engine);
    driver = new JobDriver(management, NORMAL_TIMERS);
    runtime
        .createProcessInstanceQuery()
        .rootProcessInstances()
        .list()
        .forEach(pi -> runtime.deleteProcessInstance(pi.getId(), "test cleanup", true, true));
    site.reset();
  }

  @Test
  void aDeployRestartsEveryServiceWithoutApprovalAndDefersAHostRunningALongTranscode() {
    site.longJobs.put(
        "mw1501.eqiad.wmnet",
        "webVideoTranscode since 2026-12-02T08:00:00Z, expected to end at 2026-12-02T20:00:00Z");
    ProcessInstance run = start("scap-2026-12-02-0042", "");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(tasks.createTaskQuery().count()).as("no approval, no decision").isZero();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("restarted-with-deferred-hosts");
    for (String host : FakeSite.JOBRUNNERS) {
      assertThat(site.restarts(host, "jobrunner")).as(host).isEqualTo(1);
      assertThat(site.restarts(host, "jobchron")).as(host).isEqualTo(1);
      assertThat(site.pooled(host)).as(host).isEqualTo("yes");
    }
    assertThat(site.restarts("mwmaint1001.eqiad.wmnet", "mw-cron")).isEqualTo(1);
    assertThat(site.restarts("mw1501.eqiad.wmnet", "jobrunner")).as("deferred, untouched").isZero();
    assertThat(site.pools.get("eqiad/videoscaler/videoscaler/mw1501.eqiad.wmnet").value().pooled())
        .isEqualTo("yes");
    assertThat(site.mostDepooledAtOnce()).as("at most 10 % of a cluster, one host").isEqualTo(1);
    assertThat(historicVariable(run.getId(), "report"))
        .startsWith("6 of 7 hosts of jobrunner,videoscaler,mw-cron,mw-dumps restarted (live)")
        .contains(
            "mw1501.eqiad.wmnet: deferred, not touched: no-long-jobs: CRITICAL - 1 job that must"
                + " not be killed is running: webVideoTranscode since 2026-12-02T08:00:00Z,"
                + " expected to end at 2026-12-02T20:00:00Z");
  }

  @Test
  void aSecondDeployQueuesBehindTheFirstAndTheSameDeployIsNeverRestartedTwiceAtOnce() {
    ProcessInstance first = start("deploy-1", "jobrunner");
    ProcessInstance second = start("deploy-2", "jobrunner");
    assertThatThrownBy(() -> start("deploy-1", "jobrunner"))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("deploy deploy-1 is already being restarted by run " + first.getId());

    driver.drive();

    assertThat(first).isEnded();
    assertThat(second).isWaitingAt("Timer_WaitForTurn");
    assertThat(runtime.getVariable(second.getId(), "waitingFor").toString())
        .contains("deploy deploy-1")
        .contains(first.getId());
    Instant firstEnded =
        history
            .createHistoricProcessInstanceQuery()
            .processInstanceId(first.getId())
            .singleResult()
            .getEndTime()
            .toInstant();
    assertThat(site.restarts("mw1401.eqiad.wmnet", "jobrunner")).isEqualTo(1);

    driver.fireTimer("Timer_WaitForTurn");
    driver.drive();

    assertThat(second).isEnded();
    assertThat(site.restarts("mw1401.eqiad.wmnet", "jobrunner")).isEqualTo(2);
    assertThat(journal.entriesOfRun(second.getId()))
        .filteredOn(entry -> entry.kind().equals("LOCK") && entry.outcome().equals("ACQUIRED"))
        .filteredOn(entry -> !entry.action().contains("restart-after-deploy on deploy-2"))
        .isNotEmpty()
        .allSatisfy(entry -> assertThat(entry.at()).isAfterOrEqualTo(firstEnded));
  }

  @Test
  void aDeployWaitsWhileAnOperatorsRestartHoldsOneOfItsHosts() {
    site.unregistered.add("mw1401.eqiad.wmnet/jobrunner");
    identity.setAuthentication("alice", List.of("operators"));
    ProcessInstance operators;
    try {
      Map<String, Object> vars = new HashMap<>();
      vars.put("service", "jobrunner");
      vars.put("dc", "eqiad");
      vars.put("hosts", "mw1401.eqiad.wmnet");
      vars.put("action", "restart");
      vars.put("mode", "live");
      vars.put("reason", "Restart mw1401 after its kernel update");
      vars.put("ticket", "T7001");
      operators = runtime.startProcessInstanceByKey("rolling-restart", vars);
    } finally {
      identity.clearAuthentication();
    }
    driver.drive();
    assertThat(operators).isWaitingAt("UserTask_DecideOnFailedHosts");

    ProcessInstance deploy = start("deploy-3", "jobrunner");
    driver.drive();
    assertThat(deploy).isWaitingAt("Timer_WaitForTurn");
    assertThat(runtime.getVariable(deploy.getId(), "waitingFor").toString())
        .contains("held by run " + operators.getId());
    assertThat(site.restarts("mw1402.eqiad.wmnet", "jobrunner")).as("nothing touched").isZero();

    site.unregistered.clear();
    identity.setAuthentication("carol", List.of("operators"));
    try {
      tasks.complete(
          tasks.createTaskQuery().processInstanceId(operators.getId()).singleResult().getId(),
          Map.of("decision", "retry"));
    } finally {
      identity.clearAuthentication();
    }
    driver.drive();
    assertThat(operators).isEnded();
    driver.fireTimer("Timer_WaitForTurn");
    driver.drive();

    assertThat(deploy).isEnded();
    assertThat(historicVariable(deploy.getId(), "outcome")).isEqualTo("restarted");
  }

  @Test
  void badInputIsRefusedAtTheStart() {
    assertThatThrownBy(() -> start("bad id with spaces", ""))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("deployId 'bad id with spaces' is not a deployment id");
    assertThatThrownBy(() -> start("deploy-4", "appserver"))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("services: 'appserver' is not one restarted after a deploy");
    assertThat(runtime.createProcessInstanceQuery().count()).isZero();
  }

  // ------------------------------------------------------------------ helpers

  private ProcessInstance start(String deployId, String services) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("deployId", deployId);
    vars.put("services", services);
    vars.put("mode", "live");
    identity.setAuthentication("deployer", List.of("operators"));
    try {
      return runtime.startProcessInstanceByKey("restart-after-deploy", vars);
    } finally {
      identity.clearAuthentication();
    }
  }
}
