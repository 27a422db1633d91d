package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.switchman.audit.Journal;
import org.switchman.runbook.port.InfrastructureUnavailableException;
import org.switchman.runbook.port.StepInterruptedException;
import org.switchman.support.Checklists;
import org.switchman.support.FakeSite;
import org.switchman.support.FakeSiteProcessTest;
import org.switchman.support.JobDriver;
import org.switchman.support.SwitchoverRuns;

/**
 * {@code dc-switchover} path by path, on the real engine and delegates, with the sites in memory
 * ({@link FakeSite}) and the job executor off: the test runs each job itself, so timers fire when a
 * test says so.
 */
class SwitchoverProcessTest extends FakeSiteProcessTest {

  @Autowired ProcessEngine engine;
  @Autowired RuntimeService runtime;
  @Autowired TaskService tasks;
  @Autowired ManagementService management;
  @Autowired IdentityService identity;
  @Autowired HistoryService history;
  @Autowired FakeSite site;
  @Autowired Journal journal;
  @Autowired org.switchman.runbook.port.RunParameters parameters;
  @Autowired io.micrometer.core.instrument.MeterRegistry meters;
  @Autowired org.switchman.audit.OpsLogReader opsLog;
  @Autowired org.switchman.audit.report.LockTable lockTable;
  @Autowired org.switchman.process.RunLockKeeper lockKeeper;

  /** Timers the driver fires on its own: the waits of a normal run. */
  private static final Set<String> NORMAL_TIMERS =
      Set.of("Timer_WaitOldTtl", "Timer_InFlightGrace", "Timer_MasterChangeSettles");

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

  @org.junit.jupiter.api.AfterEach
  void resetClock() {
    org.camunda.bpm.engine.impl.util.ClockUtil.reset();
  }

  @Test
  void happyPathRunsThePhasesInOrder() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    drive();
    assertThat(run)
        .isEnded()
        .hasPassedInOrder(
            "ServiceTask_LockDeployments",
            "ServiceTask_DisablePuppetOnMaintenanceHosts",
            "Timer_WaitOldTtl",
            "ServiceTask_RunPreChecks",
            "UserTask_GoNoGo",
            "ServiceTask_StopMaintenance",
            "ServiceTask_CheckMaintenanceJobsDone",
            Checklists.PREPARATION,
            "ServiceTask_RunPreChecksAgain",
            "UserTask_FinalGoNoGo",
            "ServiceTask_SetMediaWikiReadOnly",
            "CallActivity_SetDbMastersReadOnly",
            "ServiceTask_PoolNewDatacenter",
            "ServiceTask_SetMasterDatacenter",
            "ServiceTask_DepoolOldDatacenter",
            "ServiceTask_CheckDiscoveryDns",
            "Timer_MasterChangeSettles",
            "CallActivity_SetDbMastersReadWrite",
            "ServiceTask_SetMediaWikiReadWrite",
            "ServiceTask_RestoreDiscoveryTtl",
            "ServiceTask_UnlockDeployments",
            "ServiceTask_CheckSwitchedOverState",
            Checklists.FOLLOW_UP,
            "EndEvent_SwitchedOver");
    assertThat(site.master).isEqualTo("codfw");
    assertThat(site.dnsTarget.get("api-rw")).isEqualTo("api-rw.svc.codfw.wmnet.");
    assertThat(site.dnsTtl.get("api-rw")).isEqualTo(300L);
    assertThat(site.pooled)
        .containsEntry("api-rw/codfw", true)
        .containsEntry("api-rw/eqiad", false);
    assertThat(site.readOnly.get("eqiad")).isEmpty();
    assertThat(site.readOnly.get("codfw")).isEmpty();
    for (String section : FakeSite.SECTIONS) {
      assertThat(site.isReadOnly(section, "eqiad")).isTrue();
      assertThat(site.isReadOnly(section, "codfw")).isFalse();
    }
    assertThat(site.units)
        .containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "inactive")
        .containsEntry("mwmaint2001.codfw.wmnet/mw-cron", "active");
    assertThat(site.puppetDisabled).isEmpty();
    assertThat(site.scapLock.get()).isNull();
    assertThat(site.commands)
        .contains(
            FakeSite.DEPLOYMENT_SERVER
                + ": scap lock --all --time 21600 'Datacenter switchover eqiad to codfw - T1234 (run "
                + run.getId()
                + ")'");
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
    assertThat(variable(run, "readOnlyWindowMillis")).isNotNull();
    // phase 4 waits out the short TTL (10 s) since the master change began: most of it is left
    assertThat(java.time.Duration.parse(variable(run, "masterChangeSettleWait").toString()))
        .isBetween(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(10));
    assertThat(variable(run, "outcome")).isEqualTo("switched-over");
    assertThat(variable(run, "plan").toString())
        .contains("WMFMasterDatacenter: …=codfw")
        .contains("s1.eqiad, s2.eqiad, s3.eqiad: SET GLOBAL read_only=1");
  }

  @Test
  void aSiteOffItsEndStateEndsWithExceptionsAndEscalates() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_CheckSwitchedOverState");
    // someone changed the site by hand after the run's own steps
    site.readOnly.put("codfw", Optional.of("left read-only"));
    site.dbReadOnly.put("s1.codfw", true);
    drive();
    assertThat(run)
        .isEnded()
        .hasPassed("ServiceTask_CheckSwitchedOverState", "EndEvent_SwitchedOver");
    assertThat(variable(run, "outcome")).isEqualTo("switched-over-with-exceptions");
    assertThat(journal.entriesOfRun(run.getId()))
        .filteredOn(e -> e.kind().equals("INVARIANTS"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo("BROKEN");
              assertThat(e.output())
                  .contains("MediaWiki in codfw is still read-only (ReadOnly: left read-only)")
                  .contains("the s1 master in codfw is read-only")
                  .doesNotContain("WMFMasterDatacenter");
            });
  }

  @Test
  void aCleanSwitchoverHoldsEveryEndStateRule() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    drive();
    assertThat(variable(run, "outcome")).isEqualTo("switched-over");
    assertThat(journal.entriesOfRun(run.getId()))
        .filteredOn(e -> e.kind().equals("INVARIANTS"))
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo("HOLD"));
  }

  @Test
  void aRunThatLostItsLockChangesNothingAndAsksAnOperator() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    // an administrator force-released the lock and another run took it
    site.release("dc-switchover", "mediawiki", run.getId());
    site.acquire(
        "dc-switchover",
        "mediawiki",
        new org.switchman.runbook.port.RunbookLock.Holder(
            "other-run", "erin", java.time.Instant.now()),
        1,
        java.time.Duration.ofSeconds(30));
    drive();
    assertThat(site.units).containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "active");
    Task decision =
        tasks
            .createTaskQuery()
            .processInstanceId(run.getId())
            .taskDefinitionKey("UserTask_DecideOnStopMaintenanceFailure")
            .singleResult();
    assertThat(decision).as("a decision instead of the maintenance stop").isNotNull();
    assertThat(variable(run, "failedCheck")).isEqualTo("runbook-lock");
    assertThat(variable(run, "failureMessage").toString()).contains("run other-run of erin");
    site.release("dc-switchover", "mediawiki", "other-run");
    complete(decision, "alice", Map.of("decision", "retry"));
    drive();
    assertThat(site.units).containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "inactive");
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .extracting(h -> h.runId())
        .containsExactly(run.getId());
  }

  @Test
  void aForcedReleaseIsNoticedBeforeTheNextChangeAndOnlyAnOperatorsDecisionTakesTheLockBack() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    lockTable.forceRelease("dc-switchover", "mediawiki", run.getId(), "admin", "testing the fence");
    assertThat(lockRow(run))
        .satisfies(
            row -> {
              assertThat(row.status()).isEqualTo("lost");
              assertThat(row.detail()).contains("force-released");
            });
    lockKeeper.round();
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .as("the keeper leaves a forced release")
        .isEmpty();
    drive();
    assertThat(site.units)
        .as("the step changed nothing")
        .containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "active");
    Task decision = task(run, "UserTask_DecideOnStopMaintenanceFailure");
    assertThat(variable(run, "failedCheck")).isEqualTo("runbook-lock");
    assertThat(variable(run, "failureMessage").toString())
        .contains("an administrator force-released the lock dc-switchover on mediawiki");
    lockKeeper.round();
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .as("still not while the decision is open")
        .isEmpty();
    assertThat(lockEntries(run, "LOST")).as("journaled once, however often it is seen").hasSize(1);

    complete(decision, "alice", Map.of("decision", "retry"));
    drive();
    assertThat(site.units).containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "inactive");
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .extracting(h -> h.runId())
        .containsExactly(run.getId());
    assertThat(lockEntries(run, "RETAKEN"))
        .singleElement()
        .satisfies(e -> assertThat(e.step()).isEqualTo("ServiceTask_StopMaintenance"));
    assertThat(lockRow(run).status()).isEqualTo("held");
  }

  @Test
  void theKeeperForgetsAForcedReleaseOnlyOnceItsRunHasEnded() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    lockTable.forceRelease("dc-switchover", "mediawiki", run.getId(), "admin", "testing the fence");
    lockKeeper.round();
    assertThat(site.revoked("dc-switchover", "mediawiki"))
        .as("remembered while the run is active")
        .containsExactly(run.getId());

    runtime.deleteProcessInstance(run.getId(), "cancelled by an administrator");
    lockKeeper.round();
    assertThat(site.revoked("dc-switchover", "mediawiki"))
        .as("forgotten once the run has ended")
        .isEmpty();
  }

  @Test
  void aForcedReleaseNoticedByTheLockdownsSectionsAsksInEachSectionInsteadOfAnIncident() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_SetOldMasterReadOnly");
    lockTable.forceRelease("dc-switchover", "mediawiki", run.getId(), "admin", "testing the fence");
    drive();
    assertThat(runtime.createIncidentQuery().count()).as("no incident at the call").isZero();
    List<Task> decisions =
        tasks.createTaskQuery().taskDefinitionKey("UserTask_DecideOnSectionFailure").list();
    assertThat(decisions).as("a decision in every section").hasSize(FakeSite.SECTIONS.size());
    for (Task decision : decisions) {
      assertThat(runtime.getVariable(decision.getExecutionId(), "failedCheck"))
          .isEqualTo("runbook-lock");
    }
    for (String section : FakeSite.SECTIONS) {
      assertThat(site.dbReadOnly)
          .as("no old master was touched")
          .containsEntry(section + ".eqiad", false);
    }
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
  }

  @Test
  void aSecondStartIsRefusedAsABadRequestThatTheEngineDoesNotLogAsAnError() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    ch.qos.logback.classic.Logger engineContext =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger("org.camunda.bpm.engine.context");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    engineContext.addAppender(logged);
    try {
      assertThatThrownBy(() -> start("dry-run", "eqiad", "codfw"))
          .isInstanceOf(org.switchman.process.RunbookLockedException.class)
          .hasMessageContaining("locked by run " + run.getId() + " of alice");
    } finally {
      engineContext.detachAppender(logged);
    }
    assertThat(logged.list)
        .as("the refusal is not logged as an error")
        .noneMatch(event -> event.getLevel() == ch.qos.logback.classic.Level.ERROR);
  }

  @Test
  void theKeeperTakesALapsedLockBackAndANewStartTakesItBackBeforeItIsRefused() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    drive();
    // the lease expired: a restart, a graceful stop or etcd out of reach for longer than the TTL
    site.release("dc-switchover", "mediawiki", run.getId());
    assertThat(lockRow(run))
        .satisfies(
            row -> {
              assertThat(row.status()).isEqualTo("lost");
              assertThat(row.detail()).contains("lapsed");
            });
    lockKeeper.round();
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .extracting(h -> h.runId())
        .containsExactly(run.getId());
    assertThat(lockEntries(run, "RETAKEN"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.step()).isEqualTo("lock-keeper");
              assertThat(e.actor()).isEqualTo("alice");
            });
    assertThat(lockRow(run).status()).isEqualTo("held");

    site.release("dc-switchover", "mediawiki", run.getId());
    assertThatThrownBy(() -> start("dry-run", "eqiad", "codfw"))
        .hasMessageContaining("locked by run " + run.getId() + " of alice");
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .extracting(h -> h.runId())
        .containsExactly(run.getId());
    assertThat(lockEntries(run, "RETAKEN")).hasSize(2);
  }

  @Test
  void theStartupHookTakesTheLocksOfActiveRunsBackOnItsOwnThread() throws InterruptedException {
    ProcessInstance run = start("live", "eqiad", "codfw");
    // as after a restart that came later than the lease: the run is active, its lock is gone
    site.release("dc-switchover", "mediawiki", run.getId());
    lockKeeper.applicationReady();
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    // the hook takes the lock, then journals it
    while ((site.holders("dc-switchover", "mediawiki").isEmpty()
            || lockEntries(run, "RETAKEN").isEmpty())
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .extracting(h -> h.runId())
        .containsExactly(run.getId());
    assertThat(lockEntries(run, "RETAKEN"))
        .singleElement()
        .satisfies(e -> assertThat(e.step()).isEqualTo("lock-keeper"));
  }

  @Test
  void aRunWhoseLockAnotherRunHoldsIsListedAsLostAndJournaledOnce() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    site.release("dc-switchover", "mediawiki", run.getId());
    site.acquire(
        "dc-switchover",
        "mediawiki",
        new org.switchman.runbook.port.RunbookLock.Holder(
            "other-run", "erin", java.time.Instant.now()),
        1,
        java.time.Duration.ofSeconds(30));
    lockKeeper.round();
    lockKeeper.round();
    assertThat(lockEntries(run, "LOST"))
        .singleElement()
        .satisfies(e -> assertThat(e.output()).contains("run other-run of erin"));
    assertThat(lockRow(run))
        .satisfies(
            row -> {
              assertThat(row.status()).isEqualTo("lost");
              assertThat(row.detail()).isEqualTo("held by run other-run");
            });
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .extracting(h -> h.runId())
        .containsExactly("other-run");
    site.release("dc-switchover", "mediawiki", "other-run");
  }

  private org.switchman.audit.report.LockTable.Row lockRow(ProcessInstance run) {
    return lockTable.rows().stream()
        .filter(row -> row.runId().equals(run.getId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no lock row for run " + run.getId()));
  }

  private List<org.switchman.audit.JournalEntry> lockEntries(ProcessInstance run, String outcome) {
    return journal.entriesOfRun(run.getId()).stream()
        .filter(e -> e.kind().equals("LOCK") && e.outcome().equals(outcome))
        .toList();
  }

  @Test
  void anEtcdOutageThatOutlastsTheRetriesInsideTheWindowOpensADecisionNotAnIncident() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_SetMediaWikiReadWrite");
    site.failingChanges.put(
        "ReadOnly/codfw",
        new InfrastructureUnavailableException("etcd did not answer within 3 s", null));
    assertThat(driver.attempt("ServiceTask_SetMediaWikiReadWrite")).as("first attempt").isNotNull();
    assertThat(driver.attempt("ServiceTask_SetMediaWikiReadWrite"))
        .as("second attempt")
        .isNotNull();
    assertThat(runtime.createIncidentQuery().count()).isZero();
    assertThat(driver.attempt("ServiceTask_SetMediaWikiReadWrite"))
        .as("the last attempt opens a decision")
        .isNull();
    assertThat(runtime.createIncidentQuery().count()).isZero();
    Task decision = task(run, "UserTask_DecideOnSetReadWriteFailure");
    assertThat(variable(run, "failedCheck")).isEqualTo("infrastructure-unavailable");
    assertThat(variable(run, "failureMessage").toString())
        .contains("etcd did not answer within 3 s")
        .contains("after the step's retries");
    assertThat(variable(run, "siteState").toString())
        .contains("ReadOnly: eqiad ON")
        .contains("WMFMasterDatacenter: codfw")
        .contains("masters s1: eqiad read-only, codfw writable")
        .contains("api-rw.discovery answers api-rw.svc.codfw.wmnet.");
    site.failingChanges.clear();
    complete(decision, "alice", Map.of("decision", "retry"));
    drive();
    assertThat(variable(run, "outcome")).isEqualTo("switched-over");
    assertThat(site.readOnly.get("eqiad")).isEmpty();
  }

  @Test
  void aRefusedDnsUpdateOpensADecisionAtOnceWithoutRetries() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_DepoolOldDatacenter");
    site.failingChanges.put(
        "api-rw.discovery.wmnet",
        new org.switchman.runbook.port.DnsDiscovery.DnsUpdateRefusedException(
            "The DNS server refused the update of api-rw.discovery.wmnet.: REFUSED"));
    assertThat(driver.attempt("ServiceTask_DepoolOldDatacenter"))
        .as("no retry of a refusal")
        .isNull();
    task(run, "UserTask_DecideOnSwitchDiscoveryFailure");
    assertThat(variable(run, "failedCheck")).isEqualTo("change-refused");
    assertThat(variable(run, "failureMessage").toString()).endsWith("REFUSED");
    assertThat(journal.entriesOfRun(run.getId()))
        .filteredOn(
            e ->
                e.target().equals("api-rw.discovery.wmnet")
                    && e.step().equals("ServiceTask_DepoolOldDatacenter"))
        .extracting(e -> e.outcome())
        .containsExactly("INTENT", "FAILED");
  }

  @Test
  void aStepInterruptedByShutdownIsNeverPutToAnOperatorAndItsIncidentRaisesAnAlarm() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_SetMediaWikiReadOnly");
    site.failingChanges.put(
        "ReadOnly/eqiad",
        new StepInterruptedException("setting ReadOnly", new InterruptedException()));
    for (int i = 0; i < 3; i++) {
      assertThat(driver.attempt("ServiceTask_SetMediaWikiReadOnly"))
          .contains("interrupted by shutdown");
    }
    assertThat(tasks.createTaskQuery().processInstanceId(run.getId()).count()).isZero();
    assertThat(variable(run, "failedCheck")).isNull();
    // the step cannot run any more: an incident, and the alarm that says where the site stands
    // (codfw, written before eqiad, is already read-only)
    assertThat(runtime.createIncidentQuery().processInstanceId(run.getId()).count()).isOne();
    assertThat(
            opsLogEscalations(run, "stopped by an incident at ServiceTask_SetMediaWikiReadOnly", 1))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.detail())
                    .contains("interrupted by shutdown")
                    .contains(
                        "Site now: ReadOnly: eqiad off, codfw ON (Datacenter switchover);"
                            + " WMFMasterDatacenter: eqiad"));
  }

  @Test
  void aFailureOnALaterHostDoesNotMakeTheRollbackForgetWhereMaintenanceRan() {
    site.units.put("mwmaint2001.codfw.wmnet/mw-cron", "active");
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    driver.driveUntil("ServiceTask_StopMaintenance");
    site.failingChanges.put(
        "mwmaint2001.codfw.wmnet",
        new InfrastructureUnavailableException("mwmaint2001.codfw.wmnet did not answer", null));
    // the first attempt stops eqiad's maintenance, fails on codfw and rolls back its transaction
    assertThat(driver.attempt("ServiceTask_StopMaintenance")).contains("did not answer");
    assertThat(site.units).containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "inactive");
    driver.attempt("ServiceTask_StopMaintenance");
    assertThat(driver.attempt("ServiceTask_StopMaintenance")).isNull();
    Task decision = task(run, "UserTask_DecideOnStopMaintenanceFailure");
    site.failingChanges.clear();
    complete(decision, "alice", Map.of("decision", "abort", "justification", "codfw host is down"));
    drive();
    assertThat(run).isEnded().hasPassed("EndEvent_RolledBack");
    assertThat(site.units)
        .as("maintenance runs again where it ran")
        .containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "active");
  }

  @Test
  void theOriginalTtlsAndTheWindowStartAreKeptAcrossAFailedAttempt() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    driver.driveUntil("ServiceTask_ReduceDiscoveryTtl");
    site.failingChanges.put(
        "api-rw.discovery.wmnet",
        new InfrastructureUnavailableException("DNS server did not answer", null));
    // appservers-rw is reduced, then api-rw fails and the step's transaction rolls back
    assertThat(driver.attempt("ServiceTask_ReduceDiscoveryTtl")).contains("did not answer");
    assertThat(site.dnsTtl.get("appservers-rw")).isEqualTo(10L);
    site.failingChanges.clear();
    assertThat(driver.attempt("ServiceTask_ReduceDiscoveryTtl")).isNull();
    assertThat(variable(run, "originalTtls").toString())
        .isEqualTo("{\"appservers-rw\":300,\"api-rw\":300}");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_SetMediaWikiReadOnly");
    site.failingChanges.put(
        "ReadOnly/eqiad", new InfrastructureUnavailableException("etcd did not answer", null));
    driver.attempt("ServiceTask_SetMediaWikiReadOnly");
    String firstStart = String.valueOf(runtimeFrozen(run, "readOnlyStartedAt"));
    assertThat(firstStart).as("committed before codfw went read-only").isNotEqualTo("null");
    site.failingChanges.clear();
    assertThat(driver.attempt("ServiceTask_SetMediaWikiReadOnly")).isNull();
    assertThat(variable(run, "readOnlyStartedAt")).isEqualTo(firstStart);
    drive();
    assertThat(variable(run, "outcome")).isEqualTo("switched-over");
    assertThat(site.dnsTtl.get("appservers-rw")).isEqualTo(300L);
  }

  @Test
  void anEnvoyRestartIsNotRepeatedWhenItsStepRunsAgainAfterACrash() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_RestartEnvoyOnJobrunners");
    // envoy restarts on the old jobrunner, then the application dies before the outcome is
    // journaled
    site.crashAfterChange.add("mw1001.eqiad.wmnet");
    assertThat(driver.attempt("ServiceTask_RestartEnvoyOnJobrunners"))
        .as("the attempt died")
        .isNotNull();
    assertThat(restarts("mw1001.eqiad.wmnet")).isOne();
    List<org.switchman.audit.JournalEntry> first =
        journal.entriesOfStep(run.getId(), "ServiceTask_RestartEnvoyOnJobrunners");
    assertThat(first).extracting(e -> e.outcome()).containsExactly("INTENT");

    assertThat(driver.attempt("ServiceTask_RestartEnvoyOnJobrunners")).isNull();
    drive();

    assertThat(restarts("mw1001.eqiad.wmnet")).as("not restarted again").isOne();
    List<org.switchman.audit.JournalEntry> entries =
        journal.entriesOfStep(run.getId(), "ServiceTask_RestartEnvoyOnJobrunners");
    assertThat(entries).extracting(e -> e.outcome()).containsExactly("INTENT", "RECONCILED");
    assertThat(entries.get(1).idempotencyKey()).isEqualTo(first.get(0).idempotencyKey());
    assertThat(entries.get(1).output())
        .startsWith("applied\nsettles entry " + first.get(0).seq() + " ")
        .contains("envoyproxy is active on mw1001.eqiad.wmnet, active since");
    assertThat(variable(run, "outcome")).isEqualTo("switched-over");
    assertThat(journal.verifyRun(run.getId()).intact()).isTrue();
  }

  @Test
  void anEnvoyRestartThatDidNotHappenIsMadeByTheNextAttempt() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_RestartEnvoyOnJobrunners");
    // an attempt dies after its INTENT, before the restart reaches the host
    site.crashBeforeChange.add("mw1001.eqiad.wmnet");
    assertThat(driver.attempt("ServiceTask_RestartEnvoyOnJobrunners"))
        .as("the attempt died")
        .isNotNull();
    assertThat(restarts("mw1001.eqiad.wmnet")).isZero();

    assertThat(driver.attempt("ServiceTask_RestartEnvoyOnJobrunners")).isNull();

    assertThat(restarts("mw1001.eqiad.wmnet")).isOne();
    List<org.switchman.audit.JournalEntry> entries =
        journal.entriesOfStep(run.getId(), "ServiceTask_RestartEnvoyOnJobrunners");
    assertThat(entries)
        .extracting(e -> e.outcome())
        .containsExactly("INTENT", "RECONCILED", "INTENT", "PERFORMED");
    assertThat(entries.get(1).output())
        .startsWith("not-applied\nsettles entry " + entries.get(0).seq());
    assertThat(entries.get(2).idempotencyKey()).endsWith("/2");
  }

  @Test
  void aReadOnlyWriteWhoseAnswerWasLostIsUnknownThenReconciledByTheRetry() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_SetMediaWikiReadOnly");
    site.unansweredChange.add("ReadOnly/codfw");
    assertThat(driver.attempt("ServiceTask_SetMediaWikiReadOnly")).contains("no answer");
    assertThat(site.readOnly.get("codfw")).as("applied all the same").isPresent();

    assertThat(driver.attempt("ServiceTask_SetMediaWikiReadOnly")).isNull();

    List<org.switchman.audit.JournalEntry> codfw =
        journal.entriesOfStep(run.getId(), "ServiceTask_SetMediaWikiReadOnly").stream()
            .filter(e -> e.target().equals("ReadOnly/codfw"))
            .toList();
    assertThat(codfw)
        .extracting(e -> e.outcome())
        .containsExactly("INTENT", "UNKNOWN", "RECONCILED");
    assertThat(codfw.get(2).output())
        .startsWith(
            "applied\nsettles entry "
                + codfw.get(0).seq()
                + " (INTENT) and entry "
                + codfw.get(1).seq()
                + " (UNKNOWN)");
    assertThat(codfw).extracting(e -> e.outcome()).doesNotContain("FAILED");
    drive();
    assertThat(variable(run, "outcome")).isEqualTo("switched-over");
  }

  private long restarts(String host) {
    return site.commands.stream().filter((host + ": systemctl restart envoyproxy")::equals).count();
  }

  private Object runtimeFrozen(ProcessInstance run, String name) {
    return parameters.get(run.getId(), name).orElse(null);
  }

  @Test
  void noGoAtTheFirstGateEndsCleanlyAndRestoresTheTtl() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "NOGO");
    drive();
    assertThat(run)
        .isEnded()
        .hasPassed("ServiceTask_RollBackSwitchover", "EndEvent_RolledBack")
        .hasNotPassed("ServiceTask_StopMaintenance");
    assertThat(site.dnsTtl.get("appservers-rw")).isEqualTo(300L);
    assertThat(site.conftoolTtl.get("appservers-rw/eqiad")).isEqualTo(300);
    assertThat(site.puppetDisabled).isEmpty();
    assertThat(site.scapLock.get()).as("the rollback ends the scap lock").isNull();
    assertThat(site.master).isEqualTo("eqiad");
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
  }

  @Test
  void theChecklistsHoldTheRunUntilEveryStepIsTickedOrWaived() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    driver.drive();
    assertThat(run).isWaitingAt(Checklists.PREPARATION);
    Task preparation = task(run, Checklists.PREPARATION);
    assertThat(variable(run, "manualStepsReport").toString())
        .isEqualTo("[ ] Phase 0: add a scheduled maintenance on StatusPage");
    assertThatThrownBy(() -> complete(preparation, "alice", Map.of()))
        .hasMessageContaining("Tick the steps you have done, or waive the steps left")
        .hasMessageContaining("StatusPage");
    complete(
        preparation,
        "alice",
        Map.of("statusPageScheduled", true, "statusPageScheduledNote", "incident 77"));
    driver.drive();
    assertThat(run).isWaitingAt("UserTask_FinalGoNoGo");
    assertThat(journal.entriesOfRun(run.getId()))
        .anyMatch(
            e ->
                e.kind().equals("CHECKLIST")
                    && e.actor().equals("alice")
                    && e.outcome().equals("DONE")
                    && e.action().contains("StatusPage")
                    && "incident 77".equals(e.output()));

    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.drive();
    assertThat(run).as("the automated steps are done").isWaitingAt(Checklists.FOLLOW_UP);
    assertThat(site.master).isEqualTo("codfw");
    complete(
        task(run, Checklists.FOLLOW_UP),
        "alice",
        Map.of("statusPageEnded", true, "readingAndEditingWork", true));
    driver.drive();
    assertThat(run).as("steps are still open").isWaitingAt(Checklists.FOLLOW_UP);
    assertThat(variable(run, "manualStepsReport").toString())
        .contains("[x] Phase 8: end the maintenance on StatusPage (alice at ")
        .contains("[ ] Phase 9: put the new primary first in the geomaps default stanza");
    Task followUp = task(run, Checklists.FOLLOW_UP);
    assertThatThrownBy(() -> complete(followUp, "alice", Map.of("waiveManualSteps", true)))
        .hasMessageContaining("needs a reason");
    assertThat(run).isWaitingAt(Checklists.FOLLOW_UP);
    complete(
        followUp,
        "alice",
        Map.of(
            "waiveManualSteps", true, "waiveReason", "geomaps and DNS go with tomorrow's change"));
    driver.drive();
    assertThat(run).isEnded().hasPassed("EndEvent_SwitchedOver");
    assertThat(journal.entriesOfRun(run.getId()).stream().filter(e -> e.kind().equals("CHECKLIST")))
        .extracting(e -> e.outcome())
        .containsExactly("DONE", "DONE", "DONE", "WAIVED");
    assertThat(journal.entriesOfRun(run.getId()))
        .anyMatch(
            e ->
                e.outcome().equals("WAIVED")
                    && e.action().contains("geomaps")
                    && !e.action().contains("reading and editing")
                    && e.output().equals("geomaps and DNS go with tomorrow's change"));
    SwitchoverRuns.await(
        () ->
            opsLog.page(run.getId(), 0, 500).events().stream()
                .anyMatch(
                    e ->
                        e.kind() == org.switchman.audit.OpsEvent.Kind.DECISION
                            && e.detail().contains("waived at 'Confirm the manual follow-up'")
                            && e.detail().contains("geomaps")),
        java.time.Duration.ofSeconds(10),
        () -> "the waiver in the ops log");
  }

  @Test
  void mediaWikiThatDoesNotReportReadOnlyOpensTheDecisionOfPhaseTwoAndARetryGoesOn() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    drive();
    site.freezeSiteInfo("mw2005.codfw.wmnet");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    drive();
    Task decision = task(run, "UserTask_DecideOnSetReadOnlyFailure");
    assertThat(variable(run, "failedCheck")).isEqualTo("siteinfo");
    assertThat(variable(run, "failureMessage").toString())
        .contains("after ReadOnly on, MediaWiki on mw2005.codfw.wmnet still answers read-write")
        .contains("not read-only (Datacenter switchover)");
    assertThat(site.readOnly.get("codfw"))
        .as("etcd says read-only")
        .contains("Datacenter switchover");
    assertThat(site.master).as("nothing after ReadOnly on ran").isEqualTo("eqiad");

    site.staleSiteInfo.clear();
    complete(decision, "alice", Map.of("decision", "retry"));
    drive();
    assertThat(run).isEnded().hasPassed("EndEvent_SwitchedOver");
    assertThat(site.master).isEqualTo("codfw");
  }

  @Test
  void aScapLockSomeoneElseHoldsStopsPhaseZeroUntilItIsGone() {
    site.scapLock.set("backport of 1041 by erin");
    ProcessInstance run = start("live", "eqiad", "codfw");
    drive();
    Task decision = task(run, "UserTask_DecideOnPreparationFailure");
    assertThat(decision).as("a decision instead of a lock taken over").isNotNull();
    assertThat(variable(run, "failedCheck")).isEqualTo("deployments-locked");
    assertThat(tasks.getVariableLocal(decision.getId(), "decisionHelp").toString())
        .as("the form says what each option does here, from the diagram")
        .contains("retry the phase")
        .contains("Skip is not offered");
    assertThat(variable(run, "failureMessage").toString())
        .contains("owner is \"backport of 1041 by erin\"");
    assertThat(site.scapLock.get()).isEqualTo("backport of 1041 by erin");
    assertThat(site.puppetDisabled)
        .as("the other branches of the phase ran beside the failed lock, to their end")
        .isNotEmpty();
    assertThat(site.dnsTtl).containsEntry("appservers-rw", 10L);
    assertThat(run).hasPassed("Error_LockDeploymentsFailed", "EndEvent_PreparationStepFailed");

    site.scapLock.set(null);
    complete(decision, "alice", Map.of("decision", "retry"));
    drive();
    assertThat(run).isWaitingAt("UserTask_GoNoGo");
    assertThat(site.scapLock.get()).startsWith("Datacenter switchover eqiad to codfw - T1234");
  }

  /**
   * Phase 0's branches each catch their own failure: two that fail open one decision, once every
   * branch has ended, and none cancels a sibling; a retry runs the phase again.
   */
  @Test
  void twoFailedBranchesOfPhaseZeroOpenOneDecisionAfterTheOthersEnded() {
    site.scapLock.set("backport of 1041 by erin");
    site.failingChanges.put(
        "api-rw.discovery.wmnet",
        new org.switchman.runbook.port.ChangeRefusedException("refused by the server"));
    ProcessInstance run = start("live", "eqiad", "codfw");
    drive();
    assertThat(tasks.createTaskQuery().processInstanceId(run.getId()).list())
        .as("one decision for the phase")
        .extracting(Task::getTaskDefinitionKey)
        .containsExactly("UserTask_DecideOnPreparationFailure");
    assertThat(run)
        .hasPassed(
            "Error_LockDeploymentsFailed",
            "Error_ReduceDiscoveryTtlFailed",
            "ServiceTask_DisablePuppetOnMaintenanceHosts",
            "ServiceTask_DowntimeReadOnlyChecks",
            "Gateway_PreparationJoin",
            "EndEvent_PreparationStepFailed")
        .hasNotPassed("Timer_WaitOldTtl");
    assertThat(site.puppetDisabled).isNotEmpty();
    assertThat(site.downtimes).isNotEmpty();
    assertThat(variable(run, "failedCheck")).isIn("deployments-locked", "change-refused");

    site.scapLock.set(null);
    site.failingChanges.clear();
    complete(
        task(run, "UserTask_DecideOnPreparationFailure"), "alice", Map.of("decision", "retry"));
    drive();
    assertThat(run).isWaitingAt("UserTask_GoNoGo");
    assertThat(site.dnsTtl).containsEntry("api-rw", 10L);
    assertThat(site.scapLock.get()).startsWith("Datacenter switchover eqiad to codfw - T1234");
  }

  @Test
  void noGoAtTheFinalGateRestartsMaintenance() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    drive();
    assertThat(site.units).containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "inactive");
    approve(run, "UserTask_FinalGoNoGo", "dave", "NOGO");
    drive();
    assertThat(run)
        .isEnded()
        .hasPassed("EndEvent_RolledBack")
        .hasNotPassed("ServiceTask_SetMediaWikiReadOnly");
    assertThat(site.units)
        .containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "active")
        .containsEntry("mwmaint2001.codfw.wmnet/mw-cron", "inactive");
    assertThat(site.dnsTtl.get("api-rw")).isEqualTo(300L);
  }

  @Test
  void anExpiredApprovalStopsTheRunThroughTheNoGoPath() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    drive();
    Task gate = task(run, "UserTask_GoNoGo");
    assertThat(gate.getDueDate()).isNotNull();
    assertThat(gate.getFollowUpDate()).isBefore(gate.getDueDate());
    driver.fireTimer("Timer_GoNoGoExpired");
    drive();
    assertThat(run)
        .isEnded()
        .hasPassedInOrder(
            "Timer_GoNoGoExpired",
            "ServiceTask_RecordGoNoGoExpiry",
            "ServiceTask_RollBackSwitchover",
            "EndEvent_RolledBack");
    assertThat(journal.entriesOfRun(run.getId())).anyMatch(e -> e.kind().equals("EXPIRY"));
  }

  @Test
  void aReminderLeavesTheApprovalOpen() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    drive();
    driver.fireTimer("Timer_RemindGoNoGo");
    drive();
    assertThat(run).hasPassed("ServiceTask_RemindGoNoGoApprovers").isWaitingAt("UserTask_GoNoGo");
  }

  @Test
  void lagThenRetrySucceeds() {
    double failedBefore = failedChecks();
    ProcessInstance run = toLockdownWithLag();
    assertThat(failedChecks())
        .as("the lagging section's check is counted")
        .isEqualTo(failedBefore + 1);
    site.lagging.clear();
    decide(run, "alice", "retry", null);
    drive();
    assertThat(run).isEnded().hasPassed("EndEvent_SwitchedOver");
    assertThat(site.isReadOnly("s2", "codfw")).isFalse();
  }

  private double failedChecks() {
    var counter =
        meters
            .find("switchman.steps.failed")
            .tag("runbook", "db-masters-read-only")
            .tag("step", "ServiceTask_SetOldMasterReadOnly")
            .tag("cause", "check-failed")
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aLaggingSectionCannotBeSkipped() {
    ProcessInstance run = toLockdownWithLag();
    assertThatThrownBy(
            () -> decide(run, "alice", "skip", "lag checked by hand on the replica: 0 s"))
        .hasMessageContaining("This step cannot be skipped: retry it or abort the run");
    assertThat(journal.entriesOfRun(run.getId())).noneMatch(e -> e.kind().equals("DECISION"));
    site.lagging.clear();
    decide(run, "alice", "retry", null);
    drive();
    assertThat(run).isEnded().hasPassed("EndEvent_SwitchedOver");
    assertThat(site.isReadOnly("s2", "codfw")).isFalse();
  }

  @Test
  void noDecisionTaskOffersASkipThatWouldLeaveTheSiteUnsafe() {
    Map<String, Boolean> skip = new java.util.TreeMap<>();
    Map<String, Boolean> abort = new java.util.TreeMap<>();
    for (String key : List.of("dc-switchover", "db-masters-read-only", "db-masters-read-write")) {
      String id =
          engine
              .getRepositoryService()
              .createProcessDefinitionQuery()
              .processDefinitionKey(key)
              .latestVersion()
              .singleResult()
              .getId();
      var definition =
          ((org.camunda.bpm.engine.impl.RepositoryServiceImpl) engine.getRepositoryService())
              .getDeployedProcessDefinition(id);
      collectDecisionOptions(key, definition.getActivities(), skip, abort);
    }
    assertThat(skip)
        .containsEntry("dc-switchover/UserTask_DecideOnPreparationFailure", false)
        .containsEntry("dc-switchover/UserTask_DecideOnSetReadOnlyFailure", false)
        .containsEntry("dc-switchover/UserTask_DecideOnSwitchDiscoveryFailure", false)
        .containsEntry("dc-switchover/UserTask_DecideOnSetReadWriteFailure", false)
        .containsEntry("db-masters-read-only/UserTask_DecideOnSectionFailure", false)
        .containsEntry("db-masters-read-write/UserTask_DecideOnSectionFailure", false)
        .containsEntry("dc-switchover/UserTask_DecideOnPreChecksFailure", true);
    assertThat(abort)
        .containsEntry("dc-switchover/UserTask_DecideOnSetReadWriteFailure", false)
        .containsEntry("db-masters-read-write/UserTask_DecideOnSectionFailure", true)
        .containsEntry("db-masters-read-only/UserTask_DecideOnSectionFailure", true);
  }

  private static void collectDecisionOptions(
      String key,
      List<? extends org.camunda.bpm.engine.impl.pvm.PvmActivity> activities,
      Map<String, Boolean> skip,
      Map<String, Boolean> abort) {
    for (var activity : activities) {
      Object skipAllowed =
          activity.getProperty(org.switchman.process.decisions.DecisionTasksPlugin.SKIP_ALLOWED);
      if (skipAllowed != null) {
        skip.put(key + "/" + activity.getId(), (Boolean) skipAllowed);
        abort.put(
            key + "/" + activity.getId(),
            (Boolean)
                activity.getProperty(
                    org.switchman.process.decisions.DecisionTasksPlugin.ABORT_ALLOWED));
      }
      collectDecisionOptions(key, activity.getActivities(), skip, abort);
    }
  }

  @Test
  void skippingPhaseZeroIsRefusedBecauseItWouldBypassTheWaitForTheOldTtl() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    driver.driveUntil("ServiceTask_ReduceDiscoveryTtl");
    assertSkipRefused(run, "api-rw.discovery.wmnet", "UserTask_DecideOnPreparationFailure");
    assertThat(run).hasPassed("Timer_WaitOldTtl").isWaitingAt("UserTask_GoNoGo");
  }

  @Test
  void skippingASectionsReadWriteIsRefusedBecauseItWouldLeaveItsNewMasterReadOnly() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_SetNewMasterReadWrite");
    assertSkipRefused(run, "s2.codfw", "UserTask_DecideOnSectionFailure");
    assertThat(variable(run, "outcome")).isEqualTo("switched-over");
  }

  @Test
  void skippingReadOnlyOffIsRefusedBecauseItWouldLeaveMediaWikiReadOnly() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_SetMediaWikiReadWrite");
    assertSkipRefused(run, "ReadOnly/codfw", "UserTask_DecideOnSetReadWriteFailure");
    assertThat(variable(run, "outcome")).isEqualTo("switched-over");
  }

  /**
   * Makes the next change of {@code target} refused, so its decision opens at once; a skip there is
   * refused and journals nothing; after the cause is gone a retry runs the step.
   */
  private void assertSkipRefused(ProcessInstance run, String target, String decisionKey) {
    site.failingChanges.put(
        target, new org.switchman.runbook.port.ChangeRefusedException("refused by the server"));
    drive();
    Task decision =
        tasks.createTaskQuery().taskDefinitionKey(decisionKey).list().stream()
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no "
                            + decisionKey
                            + "; active: "
                            + runtime.getActiveActivityIds(run.getId())));
    assertThatThrownBy(
            () ->
                complete(
                    decision,
                    "alice",
                    Map.of("decision", "skip", "justification", "checked by hand")))
        .hasMessageContaining("This step cannot be skipped");
    assertThat(journal.entriesOfRun(run.getId())).noneMatch(e -> e.kind().equals("DECISION"));
    site.failingChanges.clear();
    complete(decision, "alice", Map.of("decision", "retry"));
    drive();
  }

  @Test
  void lagThenAbortRollsBack() {
    ProcessInstance run = toLockdownWithLag();
    decide(run, "alice", "abort", "replication broken, switchover postponed");
    drive();
    assertThat(run)
        .isEnded()
        .hasPassed("ServiceTask_RollBackSwitchover", "EndEvent_RolledBack")
        .hasNotPassed("ServiceTask_PoolNewDatacenter");
    for (String section : FakeSite.SECTIONS) {
      assertThat(site.isReadOnly(section, "eqiad")).as(section).isFalse();
      assertThat(site.isReadOnly(section, "codfw")).as(section).isTrue();
    }
    assertThat(site.readOnly.get("eqiad")).isEmpty();
    assertThat(site.readOnly.get("codfw")).isEmpty();
    assertThat(site.master).isEqualTo("eqiad");
    assertThat(site.dnsTtl.get("api-rw")).isEqualTo(300L);
    assertThat(site.units).containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "active");
  }

  @Test
  void aSectionAbortInPhase6RollsTheSwitchoverBack() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    driver.driveUntil("ServiceTask_SetNewMasterReadWrite");
    // s2's old master is writable again (by hand): phase 6 refuses to open s2's new one
    site.dbReadOnly.put("s2.eqiad", false);
    drive();
    assertThat(site.master).as("past the discovery flip").isEqualTo("codfw");
    assertThat(site.isReadOnly("s1", "codfw")).as("a new master phase 6 opened").isFalse();
    decide(run, "alice", "abort", "s2 old master found writable, switching back");
    drive();

    assertThat(run)
        .isEnded()
        .hasPassed("ServiceTask_RollBackSwitchover", "EndEvent_RolledBack")
        .hasNotPassed("ServiceTask_SetMediaWikiReadWrite", "EndEvent_SwitchedOver");
    String readWrite =
        history
            .createHistoricProcessInstanceQuery()
            .processDefinitionKey("db-masters-read-write")
            .superProcessInstanceId(run.getId())
            .singleResult()
            .getId();
    assertThat(
            history
                .createHistoricActivityInstanceQuery()
                .processInstanceId(readWrite)
                .activityId("EndEvent_LockdownAborted")
                .count())
        .as("the abort went to the switchover")
        .isOne();
    assertThat(variable(run, "outcome")).isEqualTo("rolled-back");
    for (String section : FakeSite.SECTIONS) {
      assertThat(site.isReadOnly(section, "eqiad")).as(section + " eqiad").isFalse();
      assertThat(site.isReadOnly(section, "codfw")).as(section + " codfw").isTrue();
    }
    assertThat(site.master).isEqualTo("eqiad");
    assertThat(site.dnsTarget.get("api-rw")).isEqualTo("api-rw.svc.eqiad.wmnet.");
    assertThat(site.pooled)
        .containsEntry("api-rw/eqiad", true)
        .containsEntry("api-rw/codfw", false);
    assertThat(site.readOnly.get("eqiad")).isEmpty();
    assertThat(site.readOnly.get("codfw")).isEmpty();
    assertThat(site.dnsTtl.get("api-rw")).isEqualTo(300L);
    assertThat(site.units).containsEntry("mwmaint1001.eqiad.wmnet/mw-cron", "active");
    assertThat(site.puppetDisabled).isEmpty();
    assertThat(runtime.createIncidentQuery().count()).isZero();
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
  }

  @Test
  void anExceededBudgetEscalatesAndTheRunGoesOn() {
    ProcessInstance run = toLockdownWithLag();
    driver.fireTimer("Timer_ReadOnlyBudgetExceeded");
    drive();
    assertThat(run).hasPassed("ServiceTask_EscalateReadOnlyOverrun");
    assertThat(variable(run, "readOnlyBudgetExceeded")).isEqualTo(true);
    site.lagging.clear();
    decide(run, "alice", "retry", null);
    drive();
    assertThat(run).isEnded().hasPassed("EndEvent_SwitchedOver");
    assertThat(journal.entriesOfRun(run.getId())).anyMatch(e -> e.kind().equals("ESCALATION"));
  }

  @Test
  void aDecisionWaitingInsideTheReadOnlyWindowEscalatesUntilDecided() {
    double before = decisionEscalations("db-masters-read-only", "UserTask_DecideOnSectionFailure");
    ProcessInstance run = toLockdownWithLag();
    Job first = timerJob("Timer_SectionDecisionWaiting");
    assertThat(first.getDuedate())
        .as("first escalation within a minute of the task opening")
        .isAfter(new java.util.Date())
        .isBefore(new java.util.Date(System.currentTimeMillis() + 61_000));
    fireAtItsTime(first);
    drive();
    assertThat(escalationsOf(run, "Decide: section failed"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.output())
                    .contains("run " + run.getId())
                    .contains("'Decide: section failed' (section s2)")
                    .contains("has waited 1 min")
                    .contains("MediaWiki is read-only until it is decided"));
    assertThat(decisionEscalations("db-masters-read-only", "UserTask_DecideOnSectionFailure"))
        .isEqualTo(before + 1);
    assertThat(opsLogEscalations(run, "'Decide: section failed'", 1)).hasSize(1);

    Job next = timerJob("Timer_SectionDecisionWaiting");
    assertThat(next.getDuedate())
        .as("the next escalation, PT3M later")
        .isEqualTo(new java.util.Date(first.getDuedate().getTime() + 180_000));
    fireAtItsTime(next);
    drive();
    assertThat(escalationsOf(run, "Decide: section failed"))
        .hasSize(2)
        .anySatisfy(e -> assertThat(e.output()).contains("has waited 4 min"));
    assertThat(decisionEscalations("db-masters-read-only", "UserTask_DecideOnSectionFailure"))
        .isEqualTo(before + 2);
    assertThat(opsLogEscalations(run, "'Decide: section failed'", 2)).hasSize(2);

    site.lagging.clear();
    decide(run, "alice", "retry", null);
    assertThat(timerJobs("Timer_SectionDecisionWaiting"))
        .as("no escalation once decided")
        .isEmpty();
    drive();
    assertThat(run).isEnded().hasPassed("EndEvent_SwitchedOver");
    assertThat(escalationsOf(run, "Decide: section failed")).hasSize(2);
  }

  @Test
  void exactlyTheDecisionsThatKeepMediaWikiReadOnlyCarryAnEscalationTimer() {
    Map<String, Boolean> escalated = new java.util.TreeMap<>();
    for (String key : List.of("dc-switchover", "db-masters-read-only", "db-masters-read-write")) {
      String id =
          engine
              .getRepositoryService()
              .createProcessDefinitionQuery()
              .processDefinitionKey(key)
              .latestVersion()
              .singleResult()
              .getId();
      var model = engine.getRepositoryService().getBpmnModelInstance(id);
      var timers =
          model
              .getModelElementsByType(org.camunda.bpm.model.bpmn.instance.BoundaryEvent.class)
              .stream()
              .filter(b -> b.getId().endsWith("DecisionWaiting"))
              .toList();
      assertThat(timers)
          .allSatisfy(
              b -> {
                assertThat(b.cancelActivity()).isFalse();
                var timer =
                    (org.camunda.bpm.model.bpmn.instance.TimerEventDefinition)
                        b.getEventDefinitions().iterator().next();
                assertThat(timer.getTimeCycle().getTextContent())
                    .isEqualTo(
                        "${runVariables.cycle(decisionEscalationFirst, decisionEscalationInterval)}");
              });
      for (var task :
          model.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.UserTask.class)) {
        if ("failure-decision".equals(task.getCamundaFormRef())) {
          escalated.put(
              key + "/" + task.getId(), timers.stream().anyMatch(b -> b.getAttachedTo() == task));
        }
      }
    }
    assertThat(escalated)
        .containsEntry("dc-switchover/UserTask_DecideOnSetReadOnlyFailure", true)
        .containsEntry("dc-switchover/UserTask_DecideOnSwitchDiscoveryFailure", true)
        .containsEntry("dc-switchover/UserTask_DecideOnSetReadWriteFailure", true)
        .containsEntry("db-masters-read-only/UserTask_DecideOnSectionFailure", true)
        .containsEntry("db-masters-read-write/UserTask_DecideOnSectionFailure", true)
        .containsEntry("dc-switchover/UserTask_DecideOnPreparationFailure", false)
        .containsEntry("dc-switchover/UserTask_DecideOnPreChecksFailure", false)
        .containsEntry("dc-switchover/UserTask_DecideOnStopMaintenanceFailure", false)
        .containsEntry("dc-switchover/UserTask_DecideOnRestoreMediaWikiFailure", false)
        .containsEntry("dc-switchover/UserTask_DecideOnPostReadOnlyFailure", false);
  }

  @Test
  void theBudgetEscalationRepeatsWhileTheWindowIsOpenAndStopsWhenItCloses() {
    double before = budgetEscalations();
    ProcessInstance run = toLockdownWithLag();
    Job first = timerJob("Timer_ReadOnlyBudgetExceeded");
    fireAtItsTime(first);
    drive();
    Job second = timerJob("Timer_ReadOnlyBudgetExceeded");
    assertThat(second.getDuedate())
        .as("repeats PT3M later while the window is open")
        .isEqualTo(new java.util.Date(first.getDuedate().getTime() + 180_000));
    fireAtItsTime(second);
    drive();
    assertThat(budgetEscalations()).isEqualTo(before + 2);
    assertThat(escalationsOf(run, "read-only window"))
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.output()).contains("over its budget of PT3M"));
    assertThat(opsLogEscalations(run, "over its budget", 2)).hasSize(2);
    assertThat(timerJobs("Timer_ReadOnlyBudgetExceeded")).as("the third is due").hasSize(1);

    site.lagging.clear();
    decide(run, "alice", "retry", null);
    driver.driveUntil("ServiceTask_RestartEnvoyOnJobrunners");
    assertThat(run).isNotEnded().hasPassed("ServiceTask_SetMediaWikiReadWrite");
    assertThat(timerJobs("Timer_ReadOnlyBudgetExceeded"))
        .as("ReadOnly off stops the escalation")
        .isEmpty();
    drive();
    assertThat(run).isEnded();
    assertThat(budgetEscalations()).isEqualTo(before + 2);
  }

  @Test
  void aDecisionOutsideTheReadOnlyWindowDoesNotEscalate() {
    site.lagging.add("s2");
    ProcessInstance run = start("live", "eqiad", "codfw");
    drive();
    task(run, "UserTask_DecideOnPreChecksFailure");
    assertThat(management.createJobQuery().timers().list())
        .extracting(driver::activityOf)
        .noneMatch(activity -> activity.endsWith("DecisionWaiting"));
    assertThat(journal.entriesOfRun(run.getId())).noneMatch(e -> e.kind().equals("ESCALATION"));
  }

  /** Moves the engine's clock to the job's due date and runs it, as the job executor would. */
  private void fireAtItsTime(Job job) {
    org.camunda.bpm.engine.impl.util.ClockUtil.setCurrentTime(job.getDuedate());
    management.executeJob(job.getId());
  }

  private List<Job> timerJobs(String activity) {
    return management.createJobQuery().timers().list().stream()
        .filter(j -> activity.equals(driver.activityOf(j)))
        .toList();
  }

  private Job timerJob(String activity) {
    List<Job> jobs = timerJobs(activity);
    assertThat(jobs).as("timers of " + activity).hasSize(1);
    return jobs.get(0);
  }

  private List<org.switchman.audit.JournalEntry> escalationsOf(ProcessInstance run, String target) {
    return journal.entriesOfRun(run.getId()).stream()
        .filter(e -> e.kind().equals("ESCALATION") && target.equals(e.target()))
        .toList();
  }

  /**
   * The run's ESCALATION lines that mention the text, once the background writer has stored them.
   */
  private List<org.switchman.audit.OpsEvent> opsLogEscalations(
      ProcessInstance run, String text, int expected) {
    List<org.switchman.audit.OpsEvent> found = List.of();
    for (int attempt = 0; attempt < 100 && found.size() < expected; attempt++) {
      found =
          opsLog.page(run.getId(), 0, 500).events().stream()
              .filter(
                  e ->
                      e.kind() == org.switchman.audit.OpsEvent.Kind.ESCALATION
                          && e.detail().contains(text))
              .toList();
      if (found.size() < expected) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return found;
  }

  private double decisionEscalations(String runbook, String task) {
    var counter =
        meters
            .find("switchman.decision.waiting.escalations")
            .tag("runbook", runbook)
            .tag("task", task)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private double budgetEscalations() {
    var counter = meters.find("switchman.readonly.budget.exceeded").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void fourEyesRefusesTheStarterAndTheFirstApproverAtTheFinalGate() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    drive();
    assertThatThrownBy(
            () -> complete(task(run, "UserTask_GoNoGo"), "alice", Map.of("decision", "GO")))
        .hasMessageContaining("alice started this run");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    drive();
    assertThatThrownBy(
            () -> complete(task(run, "UserTask_FinalGoNoGo"), "alice", Map.of("decision", "GO")))
        .hasMessageContaining("alice started this run");
    assertThatThrownBy(
            () -> complete(task(run, "UserTask_FinalGoNoGo"), "bob", Map.of("decision", "GO")))
        .hasMessageContaining("bob");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    drive();
    assertThat(run).isEnded();
  }

  @Test
  void badInputIsRefusedBeforeAnythingExists() {
    assertThatThrownBy(() -> start("live", "eqiad", "eqiad"))
        .hasMessageContaining("dcFrom and dcTo are both 'eqiad'");
    assertThatThrownBy(() -> start("live", "codfw", "eqiad"))
        .hasMessageContaining("dcFrom must be the active datacenter eqiad");
    assertThatThrownBy(() -> start("sometimes", "eqiad", "codfw", ""))
        .hasMessageContaining("mode 'sometimes' is not one of")
        .hasMessageContaining("reason is empty");
    assertThat(runtime.createProcessInstanceQuery().count()).isZero();
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
    assertThat(site.commands).isEmpty();
  }

  @Test
  void aSecondRunIsRefusedWithTheHoldersName() {
    ProcessInstance first = start("live", "eqiad", "codfw");
    assertThatThrownBy(() -> start("dry-run", "eqiad", "codfw"))
        .hasMessageContaining("locked by run " + first.getId() + " of alice");
  }

  @Test
  void aDryRunChangesNothing() {
    ProcessInstance run = start("dry-run", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    drive();
    assertThat(run).isEnded().hasPassed("EndEvent_SwitchedOver");
    assertThat(site.master).isEqualTo("eqiad");
    assertThat(site.dnsTtl.get("api-rw")).isEqualTo(300L);
    assertThat(site.isReadOnly("s1", "eqiad")).isFalse();
    assertThat(site.commands)
        .as("only reads")
        .allMatch(
            c ->
                c.contains("systemctl is-active")
                    || c.endsWith("nrpe_long_running_jobs")
                    || c.endsWith(org.switchman.runbook.switchover.SiteInfo.COMMAND));
    assertThat(journal.entriesOfRun(run.getId()))
        .isNotEmpty()
        .allMatch(e -> !e.outcome().equals("PERFORMED"));
  }

  // ---------------------------------------------------------------- driving

  @Test
  void theWarmUpRepeatsEachWarmUpOfTheAppAndApiClustersUntilItsTimeStopsImproving() {
    ProcessInstance run = start("live", "eqiad", "codfw", "Warm up", Map.of("warmUpCaches", true));
    driver.driveUntil("ServiceTask_RunPreChecks");

    String host = "mwmaint2001.codfw.wmnet";
    String warmup = "/var/lib/mediawiki-cache-warmup/warmup.py ";
    assertThat(site.warmUpRounds)
        .containsEntry(host + ": " + warmup + "urls-cluster.txt spread mw-web.svc.codfw.wmnet", 4)
        .containsEntry(host + ": " + warmup + "urls-server.txt clone mw-web.svc.codfw.wmnet", 4)
        .containsEntry(
            host + ": " + warmup + "urls-server.txt clone mw-api-int.svc.codfw.wmnet", 4);
    assertThat(historicVariable(run.getId(), "warmUpReport"))
        .contains(
            "urls-server.txt clone mw-api-int.svc.codfw.wmnet: 4 rounds: 2.40 s, 1.10 s,"
                + " 0.52 s, 0.50 s");
  }

  @Test
  void theFinalGateShowsPreChecksReadAgainAndRefusesGoWhenTheyNoLongerHold() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    // replication of s2 starts lagging after the first gate
    site.lagging.add("s2");
    drive();

    assertThat(run).isWaitingAt("UserTask_FinalGoNoGo");
    Task gate = task(run, "UserTask_FinalGoNoGo");
    assertThat(String.valueOf(tasks.getVariable(gate.getId(), "preChecks")))
        .startsWith("- FAILED, read again at ")
        .contains("s2");
    assertThatThrownBy(
            () -> complete(gate, "dave", Map.of("decision", "GO", "comment", "GO by dave")))
        .hasMessageContaining("refuses GO: the pre-checks read again just before this gate failed");
    assertThat(site.readOnly.get("eqiad")).as("nothing read-only").isEmpty();

    complete(gate, "dave", Map.of("decision", "NOGO", "comment", "s2 lags"));
    drive();
    assertThat(run).isEnded();
    assertThat(site.master).isEqualTo("eqiad");
  }

  @Test
  void theFinalGateShowsFreshPreChecksThatHold() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    drive();
    Task gate = task(run, "UserTask_FinalGoNoGo");
    assertThat(String.valueOf(tasks.getVariable(gate.getId(), "preChecks")))
        .startsWith("- read again at ")
        .contains("just before this gate");
  }

  @Test
  void stoppingMaintenanceWaitsForWorkStillRunningBeforeTheFinalGate() {
    site.longJobs.put("mwmaint1001.eqiad.wmnet", "mwscript refreshLinks.php since 10:00");
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    drive();
    assertThat(run).isWaitingAt("Timer_NextMaintenanceLook");
    assertThat(site.readOnly.get("eqiad")).as("nothing read-only while it runs").isEmpty();

    driver.fireTimer("Timer_NextMaintenanceLook");
    drive();
    assertThat(run).as("still running").isWaitingAt("Timer_NextMaintenanceLook");

    site.longJobs.clear();
    driver.fireTimer("Timer_NextMaintenanceLook");
    drive();
    assertThat(run).isWaitingAt("UserTask_FinalGoNoGo");
  }

  @Test
  void maintenanceWorkStillRunningAfterFiveMinutesOpensTheDecisionOfPhaseOne() {
    site.longJobs.put("mwmaint1001.eqiad.wmnet", "mwscript refreshLinks.php since 10:00");
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    drive();
    try {
      org.camunda.bpm.engine.impl.util.ClockUtil.setCurrentTime(
          java.util.Date.from(java.time.Instant.now().plus(java.time.Duration.ofMinutes(6))));
      driver.fireTimer("Timer_NextMaintenanceLook");
      drive();
    } finally {
      org.camunda.bpm.engine.impl.util.ClockUtil.reset();
    }

    assertThat(run).isWaitingAt("UserTask_DecideOnStopMaintenanceFailure");
    Task task =
        tasks
            .createTaskQuery()
            .taskDefinitionKey("UserTask_DecideOnStopMaintenanceFailure")
            .singleResult();
    assertThat(tasks.getVariable(task.getId(), "failedCheck")).isEqualTo("maintenance-jobs-done");
    assertThat(String.valueOf(tasks.getVariable(task.getId(), "failureMessage")))
        .contains("mwmaint1001.eqiad.wmnet: CRITICAL - 1 job that must not be killed is running");

    site.longJobs.clear();
    complete(task, "carol", Map.of("decision", "retry"));
    drive();
    assertThat(run)
        .as("a retry waits again, and the work has ended")
        .isWaitingAt("UserTask_FinalGoNoGo");
  }

  private ProcessInstance start(String mode, String from, String to) {
    return start(mode, from, to, "Datacenter switchover");
  }

  private ProcessInstance start(String mode, String from, String to, String reason) {
    return start(mode, from, to, reason, Map.of());
  }

  private ProcessInstance start(
      String mode, String from, String to, String reason, Map<String, Object> more) {
    Map<String, Object> vars = new HashMap<>(more);
    vars.put("dcFrom", from);
    vars.put("dcTo", to);
    vars.put("mode", mode);
    vars.put("reason", reason);
    vars.put("ticket", "T1234");
    vars.put("readOnlyBudget", "PT3M");
    vars.put("inFlightGrace", "PT1S");
    identity.setAuthentication("alice", List.of("operators", "approvers"));
    try {
      return runtime.startProcessInstanceByKey("dc-switchover", vars);
    } finally {
      identity.clearAuthentication();
    }
  }

  private ProcessInstance toLockdownWithLag() {
    ProcessInstance run = start("live", "eqiad", "codfw");
    approve(run, "UserTask_GoNoGo", "bob", "GO");
    // at the final gate, whose pre-checks were read again and held; s2 lags from then on
    drive();
    site.lagging.add("s2");
    approve(run, "UserTask_FinalGoNoGo", "dave", "GO");
    drive();
    assertThat(tasks.createTaskQuery().taskDefinitionKey("UserTask_DecideOnSectionFailure").count())
        .isEqualTo(1);
    return run;
  }

  /**
   * Runs the jobs until the runs settle; a checklist of manual steps that opens meanwhile is ticked
   * whole, as an operator would, and the jobs run on. The checklists' own tests use {@code driver}.
   */
  private void drive() {
    do {
      driver.drive();
    } while (org.switchman.support.Checklists.tickOpen(tasks, identity, null));
  }

  private void approve(ProcessInstance run, String gate, String user, String decision) {
    drive();
    complete(
        task(run, gate), user, Map.of("decision", decision, "comment", decision + " by " + user));
  }

  private void decide(ProcessInstance run, String user, String decision, String justification) {
    Task task =
        tasks.createTaskQuery().taskDefinitionKey("UserTask_DecideOnSectionFailure").singleResult();
    Map<String, Object> vars = new HashMap<>();
    vars.put("decision", decision);
    vars.put("justification", justification);
    complete(task, user, vars);
  }

  private void complete(Task task, String user, Map<String, Object> vars) {
    identity.setAuthentication(user, List.of("operators", "approvers"));
    try {
      tasks.complete(task.getId(), vars);
    } finally {
      identity.clearAuthentication();
    }
  }

  private Task task(ProcessInstance run, String key) {
    return Optional.ofNullable(
            tasks
                .createTaskQuery()
                .processInstanceId(run.getId())
                .taskDefinitionKey(key)
                .singleResult())
        .orElseThrow(
            () ->
                new AssertionError(
                    "no task "
                        + key
                        + "; waiting at "
                        + runtime.getActiveActivityIds(run.getId())));
  }

  private Object variable(ProcessInstance run, String name) {
    var v =
        history
            .createHistoricVariableInstanceQuery()
            .processInstanceId(run.getId())
            .variableName(name)
            .singleResult();
    return v == null ? null : v.getValue();
  }
}
