package org.switchman.process.reboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.switchman.process.gates.RefusedInputException;
import org.switchman.support.FakeSite;
import org.switchman.support.FakeSiteProcessTest;
import org.switchman.support.JobDriver;

/**
 * {@code host-reboot} path by path, on the real engine and delegates with the shipped catalogue's
 * host profiles, the hosts in memory ({@link FakeSite}: the file server afs1001 with its units, the
 * web servers web1001 and web1002 with domtool-slave) and the job executor off. The grace timer
 * fires at once; the boot and recovery looks fire when a test says.
 */
class HostRebootProcessTest extends FakeSiteProcessTest {

  private static final String AFS = FakeSite.FILESERVER;

  @Autowired ProcessEngine engine;
  @Autowired RuntimeService runtime;
  @Autowired TaskService tasks;
  @Autowired ManagementService management;
  @Autowired FakeSite site;
  @Autowired Journal journal;

  private JobDriver driver;

  @BeforeEach
  void setUp() {
    BpmnAwareTests.init(engine);
    driver = new JobDriver(management, Set.of("Timer_GraceOver"));
    runtime
        .createProcessInstanceQuery()
        .rootProcessInstances()
        .list()
        .forEach(pi -> runtime.deleteProcessInstance(pi.getId(), "test cleanup", true, true));
    site.reset();
  }

  @AfterEach
  void resetClock() {
    ClockUtil.reset();
  }

  @Test
  void aCleanRebootWaitsForAnotherPersonsGoThenStopsRebootsStartsRestartsDependentsAndRepools() {
    ProcessInstance run = start(AFS, "true", "live");

    assertThat(run).isWaitingAt("UserTask_GoNoGo");
    assertThat(historicVariable(run.getId(), "plan"))
        .startsWith("clean reboot of afs1001.eqiad.wmnet (fileserver, eqiad)")
        .contains("stop cron, domtool-server, apache2, postgresql, mysql, nscd")
        .contains("domtool-slave on webserver");
    assertThatThrownBy(() -> approve("alice", "GO"))
        .hasMessageContaining("alice started this run and cannot approve it");
    approve("bob", "GO");
    driver.drive();

    assertThat(run)
        .isEnded()
        .hasPassedInOrder(
            "ServiceTask_DowntimeAndDepoolHost",
            "ServiceTask_StopFilesystemServices",
            "ServiceTask_RebootHost",
            "ServiceTask_CheckHostUp",
            "ServiceTask_CheckRecovery",
            "ServiceTask_StopServicesStartedEarly",
            "ServiceTask_StartServicesInOrder",
            "ServiceTask_RestartDependents",
            "ServiceTask_RunSmokeTest",
            "ServiceTask_RepoolRebootedHost",
            "ServiceTask_ReportReboot");
    List<String> on = commandsOn(AFS);
    assertThat(on)
        .containsSubsequence(
            "downtime-service 'host' 7200 'host-reboot T4242'",
            "systemctl stop cron",
            "systemctl stop domtool-server",
            "systemctl stop apache2",
            "systemctl stop postgresql",
            "systemctl stop mysql",
            "systemctl stop nscd",
            "reboot",
            "systemctl restart domtool-server",
            "remove-downtime 'host'");
    assertThat(on)
        .as("the file server itself is never stopped")
        .doesNotContain("systemctl stop openafs-fileserver");
    assertThat(site.reboots(AFS)).isEqualTo(1);
    for (String web : FakeSite.WEBSERVERS) {
      assertThat(site.restarts(web, "domtool-slave")).as(web).isEqualTo(1);
      assertThat(site.restarts(web, "apache2")).as(web).isEqualTo(1);
    }
    assertThat(site.pooled(AFS, "fileserver", "afs")).isEqualTo("yes");
    assertThat(site.downtimes.get(AFS)).isEmpty();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("rebooted");
    assertThat(historicVariable(run.getId(), "report"))
        .startsWith("afs1001.eqiad.wmnet: rebooted, repooled in 1 pool")
        .contains("depooled from: eqiad/fileserver/afs/afs1001.eqiad.wmnet")
        .contains("restarted: domtool-server on afs1001.eqiad.wmnet, domtool-slave on web1001");
    assertThat(site.holders("host", AFS)).as("lock released").isEmpty();
  }

  @Test
  void anUncleanRebootWaitsForTheSalvageThenStopsWhatStartedEarlyAndStartsPostgresTwice() {
    site.uncleanBoot.add(AFS);
    site.failingStarts.put(AFS + "/postgresql", 1);
    // bos prints the host's local time, five hours behind UTC
    site.offsets.put(AFS, "-0500");
    ProcessInstance run = start(AFS, "false", "live");
    approve("bob", "GO");
    driver.drive();

    assertThat(run).isWaitingAt("Timer_NextRecoveryLook");
    assertThat(commandsOn(AFS)).contains("reboot -f").doesNotContain("systemctl stop cron");
    assertThat(RebootRunServices.of(parameters(run)))
        .filteredOn(step -> step.service().equals("recovery"))
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.stage()).isEqualTo("running");
              assertThat(step.detail()).startsWith("the file server is salvaging its partitions");
            });
    driver.fireTimer("Timer_NextRecoveryLook");
    driver.drive();
    assertThat(run).as("still salvaging").isWaitingAt("Timer_NextRecoveryLook");
    assertThat(site.units.get(AFS + "/apache2"))
        .as("nothing is touched while the salvage runs")
        .isEqualTo("active");

    site.finishSalvage(AFS);
    driver.fireTimer("Timer_NextRecoveryLook");
    driver.drive();

    assertThat(run).isEnded();
    List<String> on = commandsOn(AFS);
    assertThat(on)
        .containsSubsequence(
            "systemctl stop cron",
            "systemctl stop domtool-server",
            "systemctl stop apache2",
            "systemctl stop mysql",
            "systemctl stop nscd",
            "systemctl start nscd",
            "systemctl start mysql",
            "systemctl start postgresql",
            "systemctl start postgresql",
            "systemctl start apache2",
            "systemctl start domtool-server",
            "systemctl start cron",
            "systemctl restart domtool-server");
    assertThat(on)
        .as("postgresql came back failed: nothing to stop, started twice")
        .doesNotContain("systemctl stop postgresql");
    assertThat(site.units.get(AFS + "/postgresql")).isEqualTo("active");
    assertThat(historicVariable(run.getId(), "report"))
        .contains(
            "stopped as started before the filesystem was available: cron, domtool-server,"
                + " apache2, mysql, nscd")
        .contains("postgresql: start 1 of 3 failed")
        .contains("postgresql: active after 2 starts");
    assertThat(
            journal.entriesOfRun(run.getId()).stream()
                .filter(entry -> entry.action().equals("systemctl start postgresql"))
                .filter(entry -> !entry.outcome().equals(Mutations.INTENT))
                .map(JournalEntry::outcome))
        .as("each start journaled with what it did")
        .containsExactly(Mutations.FAILED, Mutations.PERFORMED);
  }

  @Test
  void aHostThatDoesNotComeBackIsLeftDepooledAfterTheLimitAndAnAbort() {
    site.neverBack.add(AFS);
    ProcessInstance run = start(AFS, "true", "live");
    approve("bob", "GO");
    driver.drive();
    assertThat(run).isWaitingAt("Timer_NextBootLook");
    assertThat(site.pooled(AFS, "fileserver", "afs")).isEqualTo("no");

    ClockUtil.setCurrentTime(
        java.util.Date.from(java.time.Instant.now().plus(Duration.ofMinutes(41))));
    driver.fireTimer("Timer_NextBootLook");
    driver.drive();

    assertThat(run).isWaitingAt("UserTask_DecideOnRebootFailure");
    assertThat(decisionVariable("failedCheck")).isEqualTo("host-up");
    assertThat(decisionVariable("failureMessage"))
        .contains("did not answer with a new boot within PT40M")
        .contains("It stays depooled");
    decide("abort", "the host needs hands in the datacenter");
    driver.drive();

    assertThat(run).isEnded().hasPassed("ServiceTask_PutBackOrLeaveDepooled");
    assertThat(site.pooled(AFS, "fileserver", "afs")).as("never repooled").isEqualTo("no");
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("left-depooled");
    assertThat(historicVariable(run.getId(), "report")).contains("LEFT DEPOOLED");
    assertThat(site.holders("host", AFS)).isEmpty();
  }

  @Test
  void aRetryAfterTheBootLimitWaitsAnotherLimitAndTheHostThatComesBackIsRepooled() {
    site.neverBack.add(AFS);
    ProcessInstance run = start(AFS, "true", "live");
    approve("bob", "GO");
    driver.drive();
    ClockUtil.setCurrentTime(
        java.util.Date.from(java.time.Instant.now().plus(Duration.ofMinutes(41))));
    driver.fireTimer("Timer_NextBootLook");
    driver.drive();
    assertThat(run).isWaitingAt("UserTask_DecideOnRebootFailure");

    // it came back after all, with a new boot
    site.down.remove(AFS);
    site.bootIds.put(AFS, java.util.UUID.randomUUID().toString());
    decide("retry", "it came back after a power cycle");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(site.reboots(AFS)).as("the retry does not reboot again").isEqualTo(1);
    assertThat(commandsOn(AFS))
        .as("nor stop its services again")
        .containsOnlyOnce("systemctl stop cron");
    assertThat(site.pooled(AFS, "fileserver", "afs")).isEqualTo("yes");
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("rebooted");
  }

  @Test
  void aServiceThatDoesNotStopOpensADecisionAndAnAbortPutsTheHostBackAsItWas() {
    site.stuckUnits.add(AFS + "/apache2");
    ProcessInstance run = start(AFS, "true", "live");
    approve("bob", "GO");
    driver.drive();

    assertThat(run).isWaitingAt("UserTask_DecideOnRebootFailure");
    assertThat(decisionVariable("failedCheck")).isEqualTo("service-down");
    assertThat(decisionVariable("failureMessage"))
        .contains("apache2 is still active after 'systemctl stop apache2'");
    assertThat(site.reboots(AFS)).isZero();
    decide("abort", "apache2 hangs, look first");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(site.units.get(AFS + "/cron")).isEqualTo("active");
    assertThat(site.units.get(AFS + "/domtool-server")).isEqualTo("active");
    assertThat(site.pooled(AFS, "fileserver", "afs")).isEqualTo("yes");
    assertThat(site.downtimes.get(AFS)).isEmpty();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("put-back");
  }

  @Test
  void aFailingSmokeTestKeepsTheHostDepooledUntilARetryPasses() {
    site.smokeFailures.put(AFS, "domtool: postgresql is not active");
    ProcessInstance run = start(AFS, "true", "live");
    approve("bob", "GO");
    driver.drive();

    assertThat(run).isWaitingAt("UserTask_DecideOnRebootFailure");
    assertThat(decisionVariable("failedCheck")).isEqualTo("smoke-test");
    assertThat(site.pooled(AFS, "fileserver", "afs")).isEqualTo("no");
    site.smokeFailures.clear();
    decide("retry", "postgresql started by hand");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(site.reboots(AFS)).isEqualTo(1);
    assertThat(site.restarts("web1001.eqiad.wmnet", "domtool-slave"))
        .as("dependents done once")
        .isEqualTo(1);
    assertThat(site.pooled(AFS, "fileserver", "afs")).isEqualTo("yes");
  }

  @Test
  void aCrashRightAfterTheRebootIsAskedForDoesNotRebootTwice() {
    ProcessInstance run = start(AFS, "true", "live");
    approve("bob", "GO");
    driver.driveUntil("ServiceTask_RebootHost");
    // the host is asked to reboot, then the application dies before the outcome is journaled
    site.crashAfterChange.add(AFS);
    assertThat(driver.attempt("ServiceTask_RebootHost")).as("the attempt died").isNotNull();
    assertThat(site.reboots(AFS)).isEqualTo(1);

    assertThat(driver.attempt("ServiceTask_RebootHost")).isNull();
    driver.drive();

    assertThat(run).isEnded();
    assertThat(site.reboots(AFS)).isEqualTo(1);
  }

  @Test
  void aRebootRequestLostToACrashIsAskedForAgainOnlyOnceTheHostStillRunsItsOldBootLongAfter() {
    ProcessInstance run = start(AFS, "true", "live");
    approve("bob", "GO");
    driver.driveUntil("ServiceTask_RebootHost");
    // the application dies after journaling its intent, before the command reaches the host
    site.crashBeforeChange.add(AFS);
    assertThat(driver.attempt("ServiceTask_RebootHost")).as("the attempt died").isNotNull();
    assertThat(site.reboots(AFS)).isZero();
    assertThat(driver.attempt("ServiceTask_RebootHost"))
        .as("a retry right after does not ask again: the host may be shutting down")
        .isNull();
    driver.drive();
    assertThat(run).isWaitingAt("Timer_NextBootLook");
    assertThat(site.reboots(AFS)).isZero();

    ClockUtil.setCurrentTime(
        java.util.Date.from(java.time.Instant.now().plus(Duration.ofMinutes(11))));
    driver.fireTimer("Timer_NextBootLook");
    driver.drive();
    assertThat(run).isWaitingAt("UserTask_DecideOnRebootFailure");
    assertThat(decisionVariable("failedCheck")).isEqualTo("host-rebooting");
    assertThat(decisionVariable("failureMessage")).contains("still runs the boot it had before");
    decide("retry", "ask again");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(site.reboots(AFS)).as("asked again, once").isEqualTo(1);
    assertThat(site.pooled(AFS, "fileserver", "afs")).isEqualTo("yes");
  }

  @Test
  void aHostThatCannotBeSeenBeforeTheRebootIsNotAskedToReboot() {
    ProcessInstance run = start(AFS, "true", "live");
    approve("bob", "GO");
    driver.driveUntil("ServiceTask_RebootHost");
    site.down.add(AFS);
    driver.drive();

    assertThat(run).isWaitingAt("UserTask_DecideOnRebootFailure");
    assertThat(decisionVariable("failedCheck")).isEqualTo("host-reachable");
    assertThat(site.reboots(AFS)).isZero();
    decide("abort", "look at it first");
    site.down.remove(AFS);
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "outcome"))
        .as("never asked to reboot: put back")
        .isEqualTo("put-back");
    assertThat(site.units.get(AFS + "/cron")).isEqualTo("active");
    assertThat(site.pooled(AFS, "fileserver", "afs")).isEqualTo("yes");
  }

  @Test
  void anUndecidedFailureRemindsTheOperatorsWhileTheHostStaysAsItIs() {
    site.smokeFailures.put(AFS, "domtool: postgresql is not active");
    ProcessInstance run = start(AFS, "true", "live");
    approve("bob", "GO");
    driver.drive();
    assertThat(run).isWaitingAt("UserTask_DecideOnRebootFailure");

    driver.fireTimer("Timer_RemindOperators");
    driver.drive();

    assertThat(run).isWaitingAt("UserTask_DecideOnRebootFailure");
    assertThat(journal.entriesOfRun(run.getId()))
        .anySatisfy(
            entry ->
                assertThat(entry.output())
                    .contains("the decision 'Decide: reboot step failed' has waited")
                    .contains("the host stays as it is"));
  }

  @Test
  void aDryRunNeedsNoApprovalAndChangesNothing() {
    ProcessInstance run = start(AFS, "true", "dry-run");
    driver.drive();

    assertThat(run).isEnded().hasNotPassed("UserTask_GoNoGo");
    assertThat(site.reboots(AFS)).isZero();
    assertThat(site.pooled(AFS, "fileserver", "afs")).isEqualTo("yes");
    assertThat(site.units.get(AFS + "/cron")).isEqualTo("active");
    assertThat(journal.entriesOfRun(run.getId()))
        .extracting(JournalEntry::outcome)
        .doesNotContain(Mutations.PERFORMED);
    assertThat(historicVariable(run.getId(), "report"))
        .startsWith(
            "afs1001.eqiad.wmnet: dry-run, nothing changed; a live run would have ended rebooted")
        .contains("reboot: not asked for (dry-run)");
  }

  @Test
  void aHostConftoolDoesNotKnowOrWhoseClusterHasNoProfileIsRefusedWithNoRun() {
    assertThatThrownBy(() -> start("afs1009.eqiad.wmnet", "true", "live"))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("afs1009.eqiad.wmnet is in no conftool pool of eqiad");
    assertThatThrownBy(() -> start("mw1401.eqiad.wmnet", "true", "live"))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("the conftool cluster 'jobrunner', which has no host profile")
        .hasMessageContaining("fileserver");
    assertThatThrownBy(() -> start("afs1001.ulsfo.wmnet; reboot", "maybe", "live"))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("is not a fully qualified host name")
        .hasMessageContaining("clean 'maybe' is neither true nor false");
    assertThat(runtime.createProcessInstanceQuery().count()).isZero();
    assertThat(site.commands).isEmpty();
  }

  @Test
  void aSecondRebootOfTheSameHostIsRefusedWhileTheFirstHoldsItsLock() {
    start(AFS, "true", "live");

    assertThatThrownBy(() -> start(AFS, "true", "live"))
        .isInstanceOf(RunbookLockedException.class)
        .hasMessageContaining("locked by");
  }

  private ProcessInstance start(String host, String clean, String mode) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("host", host);
    vars.put("clean", clean);
    vars.put("mode", mode);
    vars.put("reason", "Kernel upgrade");
    vars.put("ticket", "T4242");
    return startAsAlice("host-reboot", vars);
  }

  private List<String> commandsOn(String host) {
    return site.commands.stream()
        .filter(command -> command.startsWith(host + ": "))
        .map(command -> command.substring(host.length() + 2))
        .toList();
  }

  private Map<String, String> parameters(ProcessInstance run) {
    return parameters.all(run.getId());
  }

  @Autowired org.switchman.runbook.port.RunParameters parameters;

  private String decisionVariable(String name) {
    Task task =
        tasks.createTaskQuery().taskDefinitionKey("UserTask_DecideOnRebootFailure").singleResult();
    return String.valueOf(tasks.getVariable(task.getId(), name));
  }

  private void decide(String decision, String justification) {
    Task task =
        tasks.createTaskQuery().taskDefinitionKey("UserTask_DecideOnRebootFailure").singleResult();
    Map<String, Object> vars = new HashMap<>();
    vars.put("decision", decision);
    vars.put("justification", justification);
    completeAs("carol", "operators", task, vars);
  }
}
