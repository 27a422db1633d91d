package org.switchman.process.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
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
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.infra.Mutations;
import org.switchman.process.RunbookLockedException;
import org.switchman.process.gates.FormFields;
import org.switchman.process.gates.RefusedInputException;
import org.switchman.support.FakeSite;
import org.switchman.support.FakeSiteProcessTest;
import org.switchman.support.JobDriver;

/**
 * {@code rolling-restart} path by path, on the real engine, catalogue and delegates, with conftool
 * and the hosts in memory ({@link FakeSite}: three eqiad jobrunners, restarted one per batch as the
 * shipped catalogue says) and the job executor off.
 */
class RollingRestartProcessTest extends FakeSiteProcessTest {

  private static final List<String> EQIAD =
      List.of("mw1401.eqiad.wmnet", "mw1402.eqiad.wmnet", "mw1403.eqiad.wmnet");

  /** FakeSite's name of a jobrunner's pool entry, without the host. */
  private static final String POOL_ENTRY = "pools/eqiad/jobrunner/jobrunner/";

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
  @Autowired org.switchman.process.RunbookLocks runbookLocks;

  private JobDriver driver;

  @AfterEach
  void resetClock() {
    ClockUtil.reset();
  }

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
  void aLiveRestartRestartsEveryHostOnceOneBatchAfterAnotherAndRepoolsThem() {
    ProcessInstance run = start("jobrunner", "eqiad", "", "live");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("restarted");
    for (String host : EQIAD) {
      assertThat(site.pooled(host)).as(host).isEqualTo("yes");
      assertThat(site.restarts(host, "jobrunner")).as(host).isEqualTo(1);
      assertThat(site.restarts(host, "jobchron")).as(host).isEqualTo(1);
      assertThat(site.commands)
          .as(
              host
                  + ": whether the unit runs is asked once before the restart, once for its"
                  + " readiness and once after")
          .filteredOn(command -> command.equals(host + ": systemctl is-active jobrunner"))
          .hasSize(3);
    }
    assertThat(site.restarts("mw2401.codfw.wmnet", "jobrunner")).as("codfw untouched").isZero();
    assertThat(site.mostDepooledAtOnce())
        .as("one host at a time, the catalogue's batch")
        .isEqualTo(1);
    assertThat(historicVariable(run.getId(), "report"))
        .startsWith("3 of 3 hosts of jobrunner restarted (live)");
    assertThat(site.holders("host", EQIAD.get(0))).as("host locks released").isEmpty();
    assertThat(site.holders("rolling-restart", "jobrunner/eqiad")).isEmpty();
  }

  @Test
  void theLockKeeperNeverTakesALockAgainForARunThatHasEnded() {
    ProcessInstance ended = start("jobrunner", "eqiad", "", "dry-run");
    driver.drive();
    assertThat(ended).isEnded();
    ProcessInstance next = start("jobrunner", "eqiad", "", "dry-run");
    assertThat(site.holders("host", EQIAD.get(0)))
        .extracting(h -> h.runId())
        .containsExactly(next.getId());
    int entries = journal.entriesOfRun(ended.getId()).size();

    boolean kept =
        runbookLocks.keep(
            new org.switchman.audit.report.LockedRuns.LockedRun(
                ended.getId(), "rolling-restart", "host", EQIAD.get(0), "alice", "dry-run"));

    assertThat(kept).isFalse();
    assertThat(journal.entriesOfRun(ended.getId()))
        .as(
            "an ended run, read as active by a keeper round that began before it ended, neither"
                + " takes its lock again nor is journaled as having lost it to the next run")
        .hasSize(entries);
    assertThat(site.holders("host", EQIAD.get(0)))
        .extracting(h -> h.runId())
        .containsExactly(next.getId());
  }

  @Test
  void theOrderOnAHostIsChecksDepoolGraceRestartReadinessChecksRepool() {
    ProcessInstance run = start("jobrunner", "eqiad", "mw1401.eqiad.wmnet", "live");
    driver.drive();

    assertThat(run)
        .isEnded()
        .hasPassedInOrder(
            "ServiceTask_ChooseBatchHosts",
            "ServiceTask_CheckHostBeforeRestart",
            "ServiceTask_DepoolHost",
            "Timer_Grace",
            "ServiceTask_RestartUnits",
            "ServiceTask_CheckHostReadiness",
            "ServiceTask_CheckHostAfterRestart",
            "ServiceTask_RepoolHost",
            "ServiceTask_ReviewBatch",
            "ServiceTask_ReportRestart");
    assertThat(run).as("jobrunner has no drain").hasNotPassed("ServiceTask_DrainHost");
    assertThat(performed(run))
        .containsExactly(
            "pooled=no", "systemctl restart jobrunner", "systemctl restart jobchron", "pooled=yes");
  }

  /**
   * A service without a drain restarts in the grace timer's job, as its last change, so a host is
   * four jobs. A crash right after the first unit restarted runs that job again, which fires the
   * timer again and restarts only the units the attempt had not restarted.
   */
  @Test
  void withoutADrainTheGraceTimersJobRestartsAndACrashThereRestartsEachUnitOnce() {
    String host = EQIAD.get(0);
    ProcessInstance run = start("jobrunner", "eqiad", host, "live");
    driver.driveUntil("Timer_Grace");
    site.crashAfterChange.add(host);
    assertThat(driver.attempt("Timer_Grace")).as("the attempt died").isNotNull();
    assertThat(site.restarts(host, "jobrunner")).isEqualTo(1);
    assertThat(site.restarts(host, "jobchron")).isZero();

    assertThat(driver.attempt("Timer_Grace")).isNull();
    assertThat(site.restarts(host, "jobchron"))
        .as("restarted in the timer's job, before the readiness checks")
        .isEqualTo(1);
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("restarted");
    assertThat(site.restarts(host, "jobrunner")).as("not restarted again").isEqualTo(1);
    assertThat(site.restarts(host, "jobchron")).isEqualTo(1);
    assertThat(jobsRun(run))
        .contains("Timer_Grace", "ServiceTask_CheckHostReadiness")
        .doesNotContain("ServiceTask_RestartUnits", "ServiceTask_DrainHost");
  }

  /**
   * A service with a drain (Cassandra's nodetool drain) drains in the grace timer's job and
   * restarts in a job of its own after the drain's: a job holds at most one change.
   */
  @Test
  void aServiceThatDrainsRestartsInAJobOfItsOwnAfterTheDrain() {
    String host = "aqs1001.eqiad.wmnet";
    ProcessInstance run = cassandraAtItsGrace();
    assertThat(driver.attempt("Timer_Grace")).isNull();
    assertThat(performed(run)).endsWith("nodetool drain");
    assertThat(site.restarts(host, "cassandra")).as("not in the drain's job").isZero();

    driver.drive();

    assertThat(run)
        .isEnded()
        .hasPassedInOrder(
            "Timer_Grace",
            "ServiceTask_DrainHost",
            "ServiceTask_RestartUnits",
            "ServiceTask_CheckHostReadiness",
            "ServiceTask_RepoolHost");
    assertThat(performed(run))
        .containsExactly(
            "pooled=no", "nodetool drain", "systemctl restart cassandra", "pooled=yes");
    assertThat(site.restarts(host, "cassandra")).isEqualTo(1);
    assertThat(jobsRun(run)).contains("Timer_Grace", "ServiceTask_DrainHost");
  }

  @Test
  void aCrashRightAfterTheDepoolRunsTheChecksAgainAndRestartsAndRepoolsTheHostOnce() {
    String host = EQIAD.get(0);
    ProcessInstance run = start("jobrunner", "eqiad", host, "live");
    driver.driveUntil("ServiceTask_CheckHostBeforeRestart");
    // the checks pass and the host is depooled, then the application dies before the job commits:
    // the next attempt checks again a host that this run has depooled
    site.crashAfterChange.add(POOL_ENTRY + host);
    assertThat(driver.attempt("ServiceTask_CheckHostBeforeRestart"))
        .as("the attempt died")
        .isNotNull();
    assertThat(site.pooled(host)).isEqualTo("no");

    assertThat(driver.attempt("ServiceTask_CheckHostBeforeRestart")).isNull();
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("restarted");
    assertThat(site.restarts(host, "jobrunner")).isEqualTo(1);
    assertThat(site.restarts(host, "jobchron")).isEqualTo(1);
    assertThat(site.pooled(host)).as("put back by the run that depooled it").isEqualTo("yes");
    assertThat(performed(run)).containsOnlyOnce("pooled=yes");
  }

  @Test
  void aCrashRightAfterTheRepoolRestartsNothingAgainAndLeavesTheHostPooled() {
    String host = EQIAD.get(0);
    ProcessInstance run = start("jobrunner", "eqiad", host, "live");
    driver.driveUntil("ServiceTask_CheckHostReadiness");
    // the host is ready, checked and repooled, then the application dies before the job commits:
    // the next attempt looks at the readiness and the checks again, and finds the host pooled
    site.crashAfterChange.add(POOL_ENTRY + host);
    assertThat(driver.attempt("ServiceTask_CheckHostReadiness")).as("the attempt died").isNotNull();
    assertThat(site.pooled(host)).isEqualTo("yes");

    assertThat(driver.attempt("ServiceTask_CheckHostReadiness")).isNull();
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("restarted");
    assertThat(site.restarts(host, "jobrunner")).as("not restarted again").isEqualTo(1);
    assertThat(site.restarts(host, "jobchron")).isEqualTo(1);
    assertThat(site.pooled(host)).isEqualTo("yes");
    assertThat(performed(run)).doesNotContain("pooled=yes");
  }

  @Test
  void aServiceWhoseCatalogueRowAsksForApprovalWaitsForAGoFromAnotherPerson() {
    ProcessInstance nogo = start("cassandra", "eqiad", "", "live");
    driver.drive();
    assertThat(nogo).isWaitingAt("UserTask_GoNoGo");
    assertThat(runtime.getVariable(nogo.getId(), "plan").toString())
        .as("the approver reads the hosts and the batches")
        .isEqualTo("1 hosts in 1 batches\nbatch 1 (cassandra, eqiad): aqs1001.eqiad.wmnet");
    assertThatThrownBy(() -> approve("alice", "GO"))
        .as("not by the person who started it")
        .hasMessageContaining("alice started this run and cannot approve it");
    approve("bob", "NOGO");
    assertThat(nogo).isEnded().hasPassed("EndEvent_NoGo");
    assertThat(historicVariable(nogo.getId(), "outcome")).isEqualTo("nogo");

    ProcessInstance expired = start("cassandra", "eqiad", "", "live");
    driver.drive();
    driver.fireTimer("Timer_GoNoGoExpired");
    driver.drive();
    assertThat(expired).isEnded().hasPassed("EndEvent_ApprovalExpired");
    assertThat(historicVariable(expired.getId(), "outcome")).isEqualTo("nogo");

    ProcessInstance dryRun = start("jobrunner", "eqiad", "mw1401.eqiad.wmnet", "dry-run");
    driver.driveUntil("ServiceTask_ChooseBatchHosts");
    assertThat(dryRun).as("jobrunner needs no approval").isNotWaitingAt("UserTask_GoNoGo");
  }

  @Test
  void aHostNotFitYetIsLeftUntouchedAndLookedAtAgainUntilItIsThenRestarted() {
    site.units.put("mw1402.eqiad.wmnet/jobchron", "activating");
    ProcessInstance run = start("jobrunner", "eqiad", "", "live");
    driver.drive();

    assertThat(run).isWaitingAt("Timer_PreCheckPoll");
    assertThat(site.pooled("mw1402.eqiad.wmnet")).as("untouched while not fit").isEqualTo("yes");
    assertThat(site.restarts("mw1402.eqiad.wmnet", "jobrunner")).isZero();
    driver.fireTimer("Timer_PreCheckPoll");
    driver.drive();
    assertThat(run).isWaitingAt("Timer_PreCheckPoll");

    site.units.put("mw1402.eqiad.wmnet/jobchron", "active");
    driver.fireTimer("Timer_PreCheckPoll");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("restarted");
    assertThat(site.restarts("mw1402.eqiad.wmnet", "jobrunner")).isEqualTo(1);
  }

  @Test
  void aRestartNeverStartsAUnitThatIsStopped() {
    // mw-cron's row has no systemd-active pre-check; the unit is stopped on purpose
    site.units.put("mwmaint1001.eqiad.wmnet/mw-cron", "inactive");
    ProcessInstance run = start("mw-cron", "eqiad", "", "live");
    driver.drive();

    assertThat(run).isWaitingAt("Timer_PreCheckPoll");
    assertThat(site.restarts("mwmaint1001.eqiad.wmnet", "mw-cron")).isZero();
    assertThat(site.units.get("mwmaint1001.eqiad.wmnet/mw-cron")).isEqualTo("inactive");
  }

  @Test
  void aHostStillNotFitAfterTheReadinessLimitFailsUntouched() {
    site.units.put("mw1401.eqiad.wmnet/jobrunner", "failed");
    ProcessInstance run = start("jobrunner", "eqiad", "", "live");
    driver.drive();
    assertThat(run).isWaitingAt("Timer_PreCheckPoll");

    ClockUtil.offset(Duration.ofMinutes(3).toMillis()); // past jobrunner's readiness limit, PT2M
    driver.fireTimer("Timer_PreCheckPoll");
    driver.drive();

    assertThat(runtime.getVariable(decisionTask().getExecutionId(), "failureMessage").toString())
        .contains("mw1401.eqiad.wmnet is not fit to restart after PT2M, nothing changed")
        .contains("jobrunner is failed");
    assertThat(site.pooled("mw1401.eqiad.wmnet")).isEqualTo("yes");
    assertThat(site.restarts("mw1401.eqiad.wmnet", "jobrunner")).isZero();
  }

  @Test
  void aHostThatLostItsRegistrationStopsTheRunBeforeTheNextBatchAndARetryFinishesIt() {
    site.unregistered.add("mw1402.eqiad.wmnet/jobrunner");
    ProcessInstance run = start("jobrunner", "eqiad", "", "live");
    driver.drive();

    Task decision = decisionTask();
    assertThat(runtime.getVariable(decision.getExecutionId(), "failureMessage").toString())
        .contains(
            "mw1402.eqiad.wmnet: post-checks: mw1402.eqiad.wmnet restarted but is not healthy")
        .contains("NOT registered with the proxy");
    assertThat(site.pooled("mw1402.eqiad.wmnet"))
        .as("never repooled as if healthy")
        .isEqualTo("no");
    assertThat(site.restarts("mw1403.eqiad.wmnet", "jobrunner"))
        .as("the next batch waits")
        .isZero();

    site.unregistered.clear();
    decide("retry", null);
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("restarted");
    assertThat(site.pooled("mw1402.eqiad.wmnet")).isEqualTo("yes");
    assertThat(site.restarts("mw1402.eqiad.wmnet", "jobrunner"))
        .as("once more on the retry")
        .isEqualTo(2);
    assertThat(site.restarts("mw1401.eqiad.wmnet", "jobrunner")).as("not again").isEqualTo(1);
    assertThat(site.restarts("mw1403.eqiad.wmnet", "jobrunner")).isEqualTo(1);
  }

  @Test
  void hostsFailingSideBySideEachRecordTheirOwnFailureAndLeaveNoneInTheScopesTheyShare() {
    List<String> both = EQIAD.subList(0, 2);
    both.forEach(host -> site.unregistered.add(host + "/jobrunner"));
    Map<String, Object> vars = request("jobrunner", "eqiad", String.join(",", both), "live");
    vars.put("batchSize", "2");
    ProcessInstance run = start(vars);

    driver.driveAllBut("ServiceTask_RecordHostFailure");
    assertThat(management.createJobQuery().processInstanceId(run.getId()).list())
        .as("both hosts failed before either failure is recorded")
        .filteredOn(job -> "ServiceTask_RecordHostFailure".equals(driver.activityOf(job)))
        .hasSize(2);
    driver.drive();
    decide("skip", "both hosts are handled in the ticket");
    driver.drive();

    String report = historicVariable(run.getId(), "report");
    for (String host : both) {
      assertThat(report)
          .contains(
              host
                  + ": left depooled, skipped by an operator: post-checks: "
                  + host
                  + " restarted but is not healthy");
    }
    assertThat(
            history
                .createHistoricVariableInstanceQuery()
                .processInstanceId(run.getId())
                .variableNameIn("failedCheck", "failureMessage", "fit", "ready", "deferred")
                .list())
        .as("a host's failure and its gateways' answers never in the run's own scope")
        .noneMatch(variable -> variable.getActivityInstanceId().equals(run.getId()));
  }

  @Test
  void aDecisionLeftOpenRemindsTheOperatorsNamingTheHostsThatStayAsTheyAre() {
    site.unregistered.add("mw1402.eqiad.wmnet/jobrunner");
    ProcessInstance run = start("jobrunner", "eqiad", "", "live");
    driver.drive();
    Task decision = decisionTask();

    driver.fireTimer("Timer_RemindOperators");
    driver.drive();

    assertThat(decisionTask().getId()).as("the task stays open").isEqualTo(decision.getId());
    assertThat(journal.entriesOfRun(run.getId()))
        .filteredOn(entry -> entry.kind().equals("ESCALATION"))
        .singleElement()
        .satisfies(
            entry ->
                assertThat(entry.output())
                    .contains("the decision 'Decide: hosts of the batch failed' has waited")
                    .contains("the run holds its locks")
                    .contains("mw1402.eqiad.wmnet: post-checks"));
  }

  @Test
  void aJustificationLongerThanTheEngineKeepsIsRefusedAndTheDecisionStaysOpen() {
    site.unregistered.add("mw1401.eqiad.wmnet/jobrunner");
    start("jobrunner", "eqiad", "mw1401.eqiad.wmnet", "live");
    driver.drive();

    assertThatThrownBy(() -> decide("retry", "y".repeat(FormFields.MAX_TEXT + 1)))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("'justification' is 4001 characters long");
    assertThat(decisionTask()).as("still open").isNotNull();
    assertThat(site.restarts("mw1401.eqiad.wmnet", "jobrunner")).isEqualTo(1);
  }

  @Test
  void skippingAFailedHostLeavesItDepooledAndReportsIt() {
    site.unregistered.add("mw1402.eqiad.wmnet/jobrunner");
    ProcessInstance run = start("jobrunner", "eqiad", "", "live");
    driver.drive();

    decide("skip", "registration broken by a known bug; the host is handled in the ticket");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "outcome"))
        .isEqualTo("restarted-with-hosts-left-depooled");
    assertThat(site.pooled("mw1402.eqiad.wmnet")).isEqualTo("no");
    assertThat(site.pooled("mw1403.eqiad.wmnet")).isEqualTo("yes");
    assertThat(site.restarts("mw1403.eqiad.wmnet", "jobrunner")).isEqualTo(1);
    assertThat(historicVariable(run.getId(), "report"))
        .startsWith("2 of 3 hosts")
        .contains("mw1402.eqiad.wmnet: left depooled, skipped by an operator: post-checks");
  }

  @Test
  void anAbortStopsTheRunLeavesTheFailedHostDepooledAndTouchesNoOtherHost() {
    site.unregistered.add("mw1402.eqiad.wmnet/jobrunner");
    ProcessInstance run = start("jobrunner", "eqiad", "", "live");
    driver.drive();

    decide("abort", "the registration problem needs a look first");
    driver.drive();

    assertThat(run).isEnded().hasPassed("ServiceTask_ChooseHostsToRepool");
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("stopped");
    assertThat(site.pooled("mw1401.eqiad.wmnet")).isEqualTo("yes");
    assertThat(site.pooled("mw1402.eqiad.wmnet")).as("failed: left depooled").isEqualTo("no");
    assertThat(site.pooled("mw1403.eqiad.wmnet")).as("never reached").isEqualTo("yes");
    assertThat(site.restarts("mw1403.eqiad.wmnet", "jobrunner")).isZero();
    assertThat(historicVariable(run.getId(), "report"))
        .contains("the run stopped: aborted by an operator")
        .contains("mw1402.eqiad.wmnet: left depooled, failed when the run stopped")
        .contains("mw1403.eqiad.wmnet: not reached");
  }

  @Test
  void aSecondFailedBatchAboveTheCataloguesMaximumStopsTheRunWithoutAsking() {
    // jobrunner allows one failed batch
    site.unregistered.add("mw1402.eqiad.wmnet/jobrunner");
    site.unregistered.add("mw1403.eqiad.wmnet/jobrunner");
    ProcessInstance run = start("jobrunner", "eqiad", "", "live");
    driver.drive();
    decide("skip", "left for the ticket; go on with the rest");
    driver.drive();

    assertThat(tasks.createTaskQuery().processInstanceId(run.getId()).count()).isZero();
    assertThat(run).isEnded().hasPassed("EndEvent_TooManyFailedBatches");
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("stopped");
    assertThat(site.pooled("mw1402.eqiad.wmnet")).isEqualTo("no");
    assertThat(site.pooled("mw1403.eqiad.wmnet")).isEqualTo("no");
    assertThat(historicVariable(run.getId(), "report"))
        .contains("2 batches failed, more than the catalogue allows (1)")
        .contains("mw1403.eqiad.wmnet: left depooled, failed when the run stopped");
  }

  @Test
  void aDryRunReadsEveryHostAndChangesNothing() {
    ProcessInstance run = start("jobrunner", "eqiad", "", "dry-run");
    driver.drive();

    assertThat(run).isEnded();
    EQIAD.forEach(host -> assertThat(site.pooled(host)).isEqualTo("yes"));
    EQIAD.forEach(host -> assertThat(site.restarts(host, "jobrunner")).isZero());
    assertThat(journal.entriesOfRun(run.getId()))
        .filteredOn(entry -> entry.outcome().equals(Mutations.WOULD))
        .extracting(JournalEntry::action)
        .contains("would: systemctl restart jobrunner", "would: pooled=no", "would: pooled=yes");
    assertThat(performed(run)).isEmpty();
    assertThat(historicVariable(run.getId(), "report"))
        .startsWith("3 of 3 hosts of jobrunner would be restarted (dry-run: nothing changed)");
  }

  @Test
  void badInputIsRefusedAtTheStartNamingEveryProblemAndLeavesNoRun() {
    assertThatThrownBy(() -> start("no-such-service", "eqiad", "", "live"))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("no-such-service");
    assertThatThrownBy(() -> start("jobrunner", "eqiad", "mw2401.codfw.wmnet", "live"))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("host mw2401.codfw.wmnet is not a host of jobrunner in eqiad");
    Map<String, Object> vars = request("jobrunner", "eqiad", "", "live");
    vars.put("batchSize", "3");
    assertThatThrownBy(() -> start(vars))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("batchSize 3 is above the catalogue's maximum for jobrunner (2)");
    Map<String, Object> longReason = request("jobrunner", "eqiad", "", "live");
    longReason.put("reason", "x".repeat(FormFields.MAX_TEXT + 1));
    assertThatThrownBy(() -> start(longReason))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("'reason' is 4001 characters long; the engine keeps at most 4000");
    assertThat(runtime.createProcessInstanceQuery().count()).isZero();
    assertThat(site.holders("host", "mw1401.eqiad.wmnet")).isEmpty();
  }

  @Test
  void aRunThatWouldActOnAHostAnotherRunHoldsIsRefusedAtTheStart() {
    site.unregistered.add("mw1401.eqiad.wmnet/jobrunner");
    ProcessInstance first = start("jobrunner", "eqiad", "mw1401.eqiad.wmnet", "live");
    driver.drive();
    assertThat(decisionTask()).isNotNull();

    assertThatThrownBy(() -> start("jobrunner", "eqiad", "mw1401.eqiad.wmnet", "dry-run"))
        .isInstanceOf(RunbookLockedException.class)
        .hasMessageContaining("locked by run " + first.getId());
    assertThat(site.holders("host", "mw1401.eqiad.wmnet"))
        .extracting(holder -> holder.runId())
        .containsExactly(first.getId());
  }

  @Test
  void aRunRefusedAtOneOfItsManyLocksGivesBackEveryLockItTookSideBySide() {
    String held = EQIAD.get(1);
    site.acquire(
        "host",
        held,
        new org.switchman.runbook.port.RunbookLock.Holder(
            "another-run", "bob", java.time.Instant.now()),
        1,
        java.time.Duration.ofMinutes(1));

    assertThatThrownBy(() -> start("jobrunner", "eqiad", "", "live"))
        .isInstanceOf(RunbookLockedException.class)
        .hasMessageContaining("host on " + held + " is locked by run another-run");

    assertThat(runtime.createProcessInstanceQuery().count()).isZero();
    assertThat(site.holders("rolling-restart", "jobrunner/eqiad")).isEmpty();
    for (String host : EQIAD) {
      assertThat(site.holders("host", host))
          .as(host + ": the refused run keeps none of the locks it took meanwhile")
          .extracting(holder -> holder.runId())
          .containsExactlyElementsOf(host.equals(held) ? List.of("another-run") : List.of());
    }
  }

  @Test
  void onlyAnAdministratorCancelsALiveRunAndTheJournalSaysWhichHostsStayDepooled() {
    site.unregistered.add("mw1402.eqiad.wmnet/jobrunner");
    ProcessInstance run = start("jobrunner", "eqiad", "", "live");
    driver.drive();
    decisionTask();

    identity.setAuthentication("alice", List.of("operators"));
    try {
      assertThatThrownBy(() -> runtime.deleteProcessInstance(run.getId(), "tidy up"))
          .hasMessageContaining("rolling-restart");
    } finally {
      identity.clearAuthentication();
    }
    identity.setAuthentication("admin", List.of("camunda-admin"));
    try {
      runtime.deleteProcessInstance(run.getId(), "tidy up");
    } finally {
      identity.clearAuthentication();
    }

    assertThat(journal.entriesOfRun(run.getId()))
        .filteredOn(entry -> entry.kind().equals("ADMIN"))
        .singleElement()
        .satisfies(
            entry ->
                assertThat(entry.output())
                    .contains("these pool entries stay depooled")
                    .contains("eqiad/jobrunner/jobrunner/mw1402.eqiad.wmnet")
                    .doesNotContain("mw1401"));
    assertThat(site.pooled("mw1402.eqiad.wmnet")).isEqualTo("no");
    assertThat(site.holders("host", "mw1402.eqiad.wmnet")).isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  private Map<String, Object> request(String service, String dc, String hosts, String mode) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("service", service);
    vars.put("dc", dc);
    vars.put("hosts", hosts);
    vars.put("action", "restart");
    vars.put("mode", mode);
    vars.put("reason", "Restart jobrunners for the new PHP build");
    vars.put("ticket", "T4321");
    return vars;
  }

  private ProcessInstance start(String service, String dc, String hosts, String mode) {
    return start(request(service, dc, hosts, mode));
  }

  private ProcessInstance start(Map<String, Object> vars) {
    return startAsAlice("rolling-restart", vars);
  }

  private Task decisionTask() {
    Task task =
        tasks.createTaskQuery().taskDefinitionKey("UserTask_DecideOnFailedHosts").singleResult();
    assertThat(task).as("the operator decision on the failed hosts").isNotNull();
    return task;
  }

  private void decide(String decision, String justification) {
    Task task = decisionTask();
    Map<String, Object> vars = new HashMap<>();
    vars.put("decision", decision);
    vars.put("justification", justification);
    completeAs("carol", "operators", task, vars);
  }

  /**
   * A crash right after the drain, inside the grace timer's job: the job runs again, the timer
   * fires again, the drain is not run a second time, and the restart still gets a job of its own.
   */
  @Test
  void aCrashRightAfterTheDrainDrainsOnceAndRestartsOnce() {
    String host = "aqs1001.eqiad.wmnet";
    ProcessInstance run = cassandraAtItsGrace();
    site.crashAfterChange.add(host);
    assertThat(driver.attempt("Timer_Grace")).as("the attempt died").isNotNull();

    assertThat(driver.attempt("Timer_Grace")).isNull();
    assertThat(site.restarts(host, "cassandra")).as("not in the timer's job").isZero();
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("restarted");
    assertThat(performed(run))
        .containsExactly(
            "pooled=no", "nodetool drain", "systemctl restart cassandra", "pooled=yes");
    assertThat(site.restarts(host, "cassandra")).isEqualTo(1);
  }

  /** A live restart of cassandra in eqiad (its one host), approved by bob, at its grace's end. */
  private ProcessInstance cassandraAtItsGrace() {
    ProcessInstance run = start("cassandra", "eqiad", "", "live");
    driver.drive();
    approve("bob", "GO");
    driver.driveUntil("Timer_Grace");
    return run;
  }

  /** The activities of the run's jobs that ran to their end, in the order they ended. */
  private List<String> jobsRun(ProcessInstance run) {
    return history
        .createHistoricJobLogQuery()
        .processInstanceId(run.getId())
        .successLog()
        .orderPartiallyByOccurrence()
        .asc()
        .list()
        .stream()
        .map(org.camunda.bpm.engine.history.HistoricJobLog::getActivityId)
        .toList();
  }

  private List<String> performed(ProcessInstance run) {
    return journal.entriesOfRun(run.getId()).stream()
        .filter(entry -> entry.outcome().equals(Mutations.PERFORMED))
        .map(JournalEntry::action)
        .toList();
  }
}
