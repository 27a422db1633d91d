package org.switchman.process.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.infra.Mutations;
import org.switchman.process.RunbookLockedException;
import org.switchman.process.gates.RefusedInputException;
import org.switchman.runbook.port.ChangeRefusedException;
import org.switchman.support.FakeSite;
import org.switchman.support.FakeSiteProcessTest;
import org.switchman.support.JobDriver;

/**
 * {@code discovery-datacenter} path by path, on the real engine and delegates, with conftool and
 * DNS in memory ({@link FakeSite}: aqs and restbase active/active in both DCs, releases and
 * docker-registry active/passive in eqiad, docker-registry with a third site) and the job executor
 * off.
 */
class DiscoveryDatacenterProcessTest extends FakeSiteProcessTest {

  @Autowired ProcessEngine engine;
  @Autowired RuntimeService runtime;
  @Autowired TaskService tasks;
  @Autowired ManagementService management;
  @Autowired IdentityService identity;
  @Autowired FakeSite site;
  @Autowired Journal journal;
  @Autowired org.switchman.runbook.port.RunParameters parameters;

  private JobDriver driver;

  @BeforeEach
  void setUp() {
    BpmnAwareTests.init(engine);
    driver = new JobDriver(management, Set.of());
    runtime
        .createProcessInstanceQuery()
        .rootProcessInstances()
        .list()
        .forEach(pi -> runtime.deleteProcessInstance(pi.getId(), "test cleanup", true, true));
    site.reset();
  }

  @Test
  void aLiveDepoolWaitsForAnotherPersonsGoThenDepoolsEveryActiveActiveServiceAndChecksDns() {
    ProcessInstance run = start("depool", "codfw", "", "live");

    assertThat(run).isWaitingAt("UserTask_GoNoGo");
    assertThat(site.pooled.get("aqs/codfw")).as("nothing before GO").isTrue();
    assertThat(historicVariable(run.getId(), "plan"))
        .isEqualTo(
            "aqs (active/active): pooled in codfw, eqiad → eqiad\n"
                + "restbase (active/active): pooled in codfw, eqiad → eqiad");
    assertThatThrownBy(() -> approve("alice", "GO"))
        .hasMessageContaining("alice started this run and cannot approve it");
    approve("bob", "GO");
    driver.drive();

    assertThat(run)
        .isEnded()
        .hasPassedInOrder(
            "UserTask_GoNoGo",
            "ServiceTask_ChangeServicePooling",
            "ServiceTask_CheckServiceDns",
            "ServiceTask_ChangeServicePooling",
            "ServiceTask_CheckServiceDns",
            "ServiceTask_ReportPooling");
    for (String service : FakeSite.ACTIVE_ACTIVE) {
      assertThat(site.pooled.get(service + "/codfw")).as(service).isFalse();
      assertThat(site.pooled.get(service + "/eqiad")).as(service).isTrue();
      assertThat(site.dnsAddresses.get(service))
          .containsExactly(site.serviceAddress(service, "eqiad"));
    }
    assertThat(site.pooled.get("releases/eqiad")).as("active/passive untouched").isTrue();
    assertThat(site.pooled.get("appservers-rw/eqiad")).as("MediaWiki's untouched").isTrue();
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("depooled");
    assertThat(historicVariable(run.getId(), "report"))
        .startsWith("2 of 2 services depooled in codfw (live)")
        .contains(
            "aqs (active/active): pooled in codfw, eqiad → eqiad: done; aqs.discovery.wmnet answers");
    assertThat(site.holders("discovery-datacenter", "discovery")).as("lock released").isEmpty();
  }

  @Test
  void aPoolThatOnlyAddsASiteNeedsNoApproval() {
    site.pooled.put("aqs/codfw", false);
    site.dnsAddresses.put(
        "aqs", new java.util.TreeSet<>(List.of(site.serviceAddress("aqs", "eqiad"))));
    ProcessInstance run = start("pool", "codfw", "aqs", "live");
    driver.drive();

    assertThat(run).isEnded().hasNotPassed("UserTask_GoNoGo");
    assertThat(site.pooled.get("aqs/codfw")).isTrue();
    assertThat(site.dnsAddresses.get("aqs")).hasSize(2);
  }

  @Test
  void aPoolThatMovesAnActivePassiveServiceWaitsForGoThenPoolsTheNewSiteFirst() {
    ProcessInstance run = start("pool", "codfw", "releases", "live");
    assertThat(run)
        .as("moving releases takes it out of eqiad: an approver decides")
        .isWaitingAt("UserTask_GoNoGo");
    assertThat(site.pooled.get("releases/eqiad")).isTrue();
    approve("bob", "GO");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(site.pooled.get("releases/codfw")).isTrue();
    assertThat(site.pooled.get("releases/eqiad")).isFalse();
    assertThat(site.dnsTarget.get("releases")).isEqualTo("releases.svc.codfw.wmnet.");
    List<String> performed = performed(run);
    assertThat(performed.indexOf("pooled=true ttl=300"))
        .as("pooled in codfw before it is depooled in eqiad")
        .isLessThan(performed.indexOf("pooled=false ttl=300"));
  }

  @Test
  void aDepoolThatWouldLeaveAServicePooledNowhereIsRefusedWithNothingChangedAndNoRun() {
    site.pooled.put("aqs/eqiad", false);

    assertThatThrownBy(() -> start("depool", "codfw", "", "live"))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("depooling codfw would leave aqs pooled nowhere");

    assertThat(runtime.createProcessInstanceQuery().count()).isZero();
    assertThat(site.pooled.get("aqs/codfw")).isTrue();
    assertThat(site.pooled.get("restbase/codfw")).as("not even the others").isTrue();
    assertThat(site.holders("discovery-datacenter", "discovery")).isEmpty();
  }

  @Test
  void aSecondPoolOrDepoolIsRefusedWhileOneHoldsTheLockButAStatusIsNot() {
    start("depool", "codfw", "", "live");

    assertThatThrownBy(() -> start("pool", "codfw", "", "live"))
        .isInstanceOf(RunbookLockedException.class)
        .hasMessageContaining("locked by");
    ProcessInstance status = start("status", "all", "", "dry-run");
    driver.drive();
    assertThat(status).isEnded();
  }

  @Test
  void aStatusReadsOnlyAndReportsTheTableOfServicesAndDatacenters() {
    site.pooled.put("aqs/codfw", false);
    ProcessInstance run = start("status", "all", "", "live");
    driver.drive();

    assertThat(run).isEnded().hasPassed("ServiceTask_ReadDiscoveryStatus");
    assertThat(historicVariable(run.getId(), "report"))
        .contains("aqs (active/active): codfw depooled, eqiad pooled")
        .contains("docker-registry (active/passive): codfw depooled, drmrs depooled, eqiad pooled")
        .doesNotContain("appservers-rw");
    assertThat(performed(run)).isEmpty();
  }

  @Test
  void anAmbiguousNewSiteIsChosenByAnOperatorAndAnyOtherAnswerIsRefused() {
    ProcessInstance run = start("depool", "eqiad", "docker-registry", "dry-run");
    driver.drive();
    assertThat(run).isWaitingAt("UserTask_ChooseSite");
    Task choose = tasks.createTaskQuery().taskDefinitionKey("UserTask_ChooseSite").singleResult();
    assertThat(tasks.getVariable(choose.getId(), "siteChoices")).isEqualTo("codfw, drmrs");

    assertThatThrownBy(() -> complete(choose, Map.of("site", "eqiad")))
        .rootCause()
        .as("the REST API answers it with 400")
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("site 'eqiad' is not one of docker-registry's other sites");
    assertThat(tasks.createTaskQuery().taskId(choose.getId()).count()).as("still open").isOne();
    complete(choose, Map.of("site", "drmrs"));
    driver.drive();

    assertThat(run).isEnded();
    assertThat(historicVariable(run.getId(), "report"))
        .startsWith("1 of 1 services depooled in eqiad (dry-run: nothing changed)")
        .contains("docker-registry (active/passive): pooled in eqiad → drmrs");
    assertThat(site.pooled.get("docker-registry/eqiad")).as("dry-run").isTrue();
    assertThat(journal.entriesOfRun(run.getId()))
        .extracting(JournalEntry::action)
        .contains("would: pooled=true ttl=300", "would: pooled=false ttl=300");
  }

  @Test
  void theSiteIsChosenBeforeTheApprovalAndTheApproverReadsThePlanWithIt() {
    ProcessInstance run = start("depool", "eqiad", "docker-registry", "live");
    assertThat(run).isWaitingAt("UserTask_ChooseSite");
    complete(
        tasks.createTaskQuery().taskDefinitionKey("UserTask_ChooseSite").singleResult(),
        Map.of("site", "codfw"));

    assertThat(run).isWaitingAt("UserTask_GoNoGo");
    assertThat(runtime.getVariable(run.getId(), "plan"))
        .isEqualTo("docker-registry (active/passive): pooled in eqiad → codfw");
    approve("bob", "GO");
    driver.drive();
    assertThat(run).isEnded();
    assertThat(site.pooled.get("docker-registry/codfw")).isTrue();
    assertThat(site.pooled.get("docker-registry/drmrs")).isFalse();
  }

  @Test
  void aWrongDnsAnswerStopsAtAnOperatorDecisionAndRetryGoesOn() {
    ProcessInstance run = start("pool", "codfw", "releases", "live");
    approve("bob", "GO");
    driver.driveUntil("ServiceTask_CheckServiceDns");
    site.dnsTarget.put("releases", "releases.svc.eqiad.wmnet.");
    driver.drive();

    assertThat(run).isWaitingAt("UserTask_DecideOnServiceFailure");
    assertThat(decisionVariable("failedCheck")).isEqualTo("discovery-dns-answer");
    assertThat(decisionVariable("siteState")).contains("releases (active/passive): codfw pooled");
    decide("retry", "");
    driver.drive();
    assertThat(run).isEnded();
    assertThat(site.dnsTarget.get("releases")).isEqualTo("releases.svc.codfw.wmnet.");
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("pooled");
  }

  @Test
  void aSkippedServiceStaysAsItIsAndTheReportSaysSo() {
    site.failingChanges.put(
        "/conftool/v1/discovery/restbase/codfw", new ChangeRefusedException("refused by etcd"));
    ProcessInstance depool = start("depool", "codfw", "", "live");
    approve("bob", "GO");
    driver.drive();
    assertThat(depool).isWaitingAt("UserTask_DecideOnServiceFailure");
    assertThat(decisionVariable("failureMessage")).contains("refused by etcd");
    decide("skip", "restbase stays pooled in codfw, T1 follows up");
    driver.drive();

    assertThat(depool).isEnded();
    assertThat(site.pooled.get("aqs/codfw")).isFalse();
    assertThat(site.pooled.get("restbase/codfw")).isTrue();
    assertThat(historicVariable(depool.getId(), "outcome"))
        .isEqualTo("depooled-with-skipped-services");
    assertThat(historicVariable(depool.getId(), "report"))
        .startsWith("1 of 2 services depooled in codfw (live)")
        .contains(
            "restbase (active/active): pooled in codfw, eqiad → eqiad: skipped after a failure");
  }

  @Test
  void anAbortPutsEveryServiceItBeganToChangeBackEvenASkippedOneOneJobPerService() {
    site.failingChanges.put(
        "/conftool/v1/discovery/restbase/eqiad", new ChangeRefusedException("refused by etcd"));
    site.failingChanges.put(
        "/conftool/v1/discovery/releases/eqiad", new ChangeRefusedException("refused by etcd"));
    ProcessInstance run = start("depool", "eqiad", "aqs restbase releases", "live");
    approve("bob", "GO");
    driver.drive();
    assertThat(decisionVariable("service"))
        .as("the form shows which service")
        .isEqualTo("restbase");
    decide("skip", "restbase later, T1");
    driver.drive();
    assertThat(run).isWaitingAt("UserTask_DecideOnServiceFailure");
    assertThat(site.pooled.get("aqs/eqiad")).as("aqs was depooled first").isFalse();
    assertThat(site.pooled.get("releases/codfw")).as("releases pooled in codfw").isTrue();
    site.failingChanges.clear();
    site.failingChanges.put(
        "/conftool/v1/discovery/releases/codfw", new IllegalStateException("etcd lost its leader"));

    decide("abort", "the codfw registry is not ready, T1");
    assertThatThrownBy(driver::drive)
        .as("releases' step fails, and the engine will retry it")
        .hasMessageContaining("etcd lost its leader");

    assertThat(site.pooled.get("aqs/eqiad")).as("aqs put back").isTrue();
    assertThat(parameters.get(run.getId(), "pooling.aqs.state"))
        .as("and its step committed on its own before releases' step failed")
        .contains("restored");
    assertThat(run).isNotEnded();
    site.failingChanges.clear();
    management
        .createJobQuery()
        .processInstanceId(run.getId())
        .list()
        .forEach(job -> management.executeJob(job.getId()));
    driver.drive();

    assertThat(run).isEnded().hasPassed("ServiceTask_RestoreServices");
    assertThat(site.dnsAddresses.get("aqs")).hasSize(2);
    assertThat(site.pooled.get("releases/eqiad")).isTrue();
    assertThat(site.pooled.get("releases/codfw")).isFalse();
    assertThat(site.dnsTarget.get("releases")).isEqualTo("releases.svc.eqiad.wmnet.");
    assertThat(historicVariable(run.getId(), "outcome")).isEqualTo("rolled-back");
    assertThat(historicVariable(run.getId(), "report"))
        .startsWith("aborted: 3 of 3 services put back as they were")
        .contains("restbase (active/active): pooled in codfw, eqiad → codfw: put back");
  }

  @Test
  void aServiceSomeoneElseChangedMeanwhileIsLeftAloneByTheRollbackAndReported() {
    site.failingChanges.put(
        "/conftool/v1/discovery/releases/eqiad", new ChangeRefusedException("refused by etcd"));
    ProcessInstance run = start("depool", "eqiad", "aqs releases", "live");
    approve("bob", "GO");
    driver.drive();
    site.failingChanges.clear();
    site.pooled.put("aqs/codfw", false);

    decide("abort", "stop here, T1");
    driver.drive();

    assertThat(run).isEnded();
    assertThat(site.pooled.get("aqs/eqiad")).as("left as found").isFalse();
    assertThat(historicVariable(run.getId(), "report"))
        .contains("aqs (active/active): pooled in codfw, eqiad → codfw: NOT put back")
        .contains("aqs is pooled in no datacenter now");
  }

  @Test
  void aNogoChangesNothing() {
    ProcessInstance run = start("depool", "codfw", "", "live");
    approve("bob", "NOGO");
    driver.drive();
    assertThat(run).isEnded().hasPassed("EndEvent_NoGo");
    assertThat(site.pooled.get("aqs/codfw")).isTrue();
    assertThat(performed(run)).isEmpty();
  }

  @Test
  void badInputIsRefusedNamingEveryProblem() {
    Map<String, Object> vars = request("drain", "mars", "appservers-rw", "live");
    vars.put("ticket", "none");
    assertThatThrownBy(() -> start(vars))
        .isInstanceOf(RefusedInputException.class)
        .hasMessageContaining("action 'drain' is not one of pool, depool, status")
        .hasMessageContaining("dc 'mars' is not a known datacenter")
        .hasMessageContaining("ticket must be T followed by digits");
    assertThatThrownBy(() -> start("depool", "codfw", "appservers-rw", "live"))
        .hasMessageContaining("appservers-rw is a MediaWiki service");
  }

  private static Map<String, Object> request(
      String action, String dc, String services, String mode) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("action", action);
    vars.put("dc", dc);
    vars.put("services", services);
    vars.put("mode", mode);
    vars.put("reason", "maintenance of " + dc);
    vars.put("ticket", "T4242");
    return vars;
  }

  private ProcessInstance start(String action, String dc, String services, String mode) {
    return start(request(action, dc, services, mode));
  }

  private ProcessInstance start(Map<String, Object> vars) {
    return startAsAlice("discovery-datacenter", vars);
  }

  private String decisionVariable(String name) {
    Task task =
        tasks.createTaskQuery().taskDefinitionKey("UserTask_DecideOnServiceFailure").singleResult();
    return String.valueOf(tasks.getVariable(task.getId(), name));
  }

  private void decide(String decision, String justification) {
    Task task =
        tasks.createTaskQuery().taskDefinitionKey("UserTask_DecideOnServiceFailure").singleResult();
    Map<String, Object> vars = new HashMap<>();
    vars.put("decision", decision);
    vars.put("justification", justification);
    complete(task, vars);
  }

  private void complete(Task task, Map<String, Object> vars) {
    completeAs("carol", "operators", task, vars);
  }

  private List<String> performed(ProcessInstance run) {
    return journal.entriesOfRun(run.getId()).stream()
        .filter(entry -> entry.outcome().equals(Mutations.PERFORMED))
        .map(JournalEntry::action)
        .toList();
  }
}
