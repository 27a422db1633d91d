package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.IdentityLink;
import org.camunda.bpm.engine.task.IdentityLinkType;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.runbook.Mutation;
import org.switchman.support.FakeSite;
import org.switchman.support.FakeSiteProcessTest;
import org.switchman.support.JobDriver;

/**
 * The DB lockdown runbooks started on their own: in {@code live} one operator would otherwise put
 * every section's master read-only (or read-write) alone, so the run waits for GO/NOGO from another
 * person first. Called by a switchover, or in dry-run and live-test, there is no extra gate. Real
 * engine and delegates, sites in memory ({@link FakeSite}), jobs run by the test.
 */
class DbLockdownProcessTest extends FakeSiteProcessTest {

  @Autowired ProcessEngine engine;
  @Autowired RuntimeService runtime;
  @Autowired TaskService tasks;
  @Autowired ManagementService management;
  @Autowired IdentityService identity;
  @Autowired HistoryService history;
  @Autowired FakeSite site;
  @Autowired Journal journal;

  private static final Set<String> NORMAL_TIMERS =
      Set.of("Timer_WaitOldTtl", "Timer_InFlightGrace", "Timer_MasterChangeSettles");
  private static final Set<String> MUTATION_KINDS =
      Arrays.stream(Mutation.Kind.values()).map(Enum::name).collect(Collectors.toSet());

  private JobDriver driver;

  @BeforeEach
  void setUp() {
    BpmnAwareTests.init(engine);
    driver = new JobDriver(management, NORMAL_TIMERS);
    runtime
        .createProcessInstanceQuery()
        .list()
        .forEach(pi -> runtime.deleteProcessInstance(pi.getId(), "test cleanup", true, true));
    site.reset();
  }

  @Test
  void aLiveLockdownStartedAloneWaitsForAnApproverBeforeChangingAnything() {
    ProcessInstance run = start("db-masters-read-only", "live", "eqiad", "codfw");
    driver.drive();

    assertThat(run).isWaitingAt("UserTask_GoNoGo").hasNotPassed("ServiceTask_SetOldMasterReadOnly");
    Task gate = task(run, "UserTask_GoNoGo");
    assertThat(tasks.getIdentityLinksForTask(gate.getId()))
        .extracting(IdentityLink::getType, IdentityLink::getGroupId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(IdentityLinkType.CANDIDATE, "approvers"));
    assertThat(gate.getDueDate()).as("expires").isNotNull();
    assertThat(gate.getFollowUpDate()).as("reminder").isBefore(gate.getDueDate());
    assertThat(mutations(run)).as("nothing changed before GO").isEmpty();
    assertUnchanged();
    assertThat(site.holders("dc-switchover", "mediawiki"))
        .as("the run holds the lock while it waits")
        .hasSize(1);
    assertThat(runtime.getVariables(run.getId()))
        .containsEntry("runbook", "db-masters-read-only")
        .containsEntry("activeDatacenter", "eqiad")
        .containsEntry("sections", "s1,s2,s3");
  }

  @Test
  void aSectionDecisionOfALockdownStartedAloneDoesNotEscalate() {
    ProcessInstance run = start("db-masters-read-only", "live", "eqiad", "codfw");
    site.lagging.add("s2");
    approve(run, "bob", "GO");
    driver.drive();
    task(run, "UserTask_DecideOnSectionFailure");
    driver.fireTimer("Timer_SectionDecisionWaiting");
    driver.drive();
    assertThat(run).hasPassed("ServiceTask_EscalateSectionDecision").isNotEnded();
    assertThat(journal.entriesOfRun(run.getId()))
        .as("no read-only window, nothing to escalate")
        .noneMatch(e -> e.kind().equals("ESCALATION"));
  }

  @Test
  void anAbortedLockdownStartedAloneRollsBackEndsAndReleasesItsLock() {
    ProcessInstance run = start("db-masters-read-only", "live", "eqiad", "codfw");
    site.lagging.add("s2");
    approve(run, "bob", "GO");
    driver.drive();
    Task decision = task(run, "UserTask_DecideOnSectionFailure");
    assertThat(site.isReadOnly("s1", "eqiad")).as("a section that went read-only").isTrue();
    complete(decision, "alice", Map.of("decision", "abort", "justification", "replication broken"));
    driver.drive();
    assertThat(run)
        .isEnded()
        .hasPassed("ServiceTask_RollBackSections", "EndEvent_LockdownRolledBack")
        .hasNotPassed("EndEvent_LockdownAborted");
    assertThat(
            history
                .createHistoricVariableInstanceQuery()
                .processInstanceId(run.getId())
                .variableName("outcome")
                .singleResult()
                .getValue())
        .isEqualTo("rolled-back");
    assertUnchanged();
    assertThat(runtime.createIncidentQuery().count()).isZero();
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
    assertThat(journal.entriesOfRun(run.getId()))
        .anyMatch(e -> e.kind().equals("LOCK") && e.outcome().equals("RELEASED"));
  }

  @Test
  void anAbortedReadWriteStartedAloneMakesReadOnlyAgainExactlyTheMastersItOpened() {
    site.master = "codfw";
    FakeSite.SECTIONS.forEach(section -> site.dbReadOnly.put(section + ".eqiad", true));
    site.dbReadOnly.put("s2.eqiad", false); // s2's old master is writable: its check fails
    site.dbReadOnly.put("s3.codfw", false); // writable before the run, not by its doing
    Map<String, Boolean> before = Map.copyOf(site.dbReadOnly);
    ProcessInstance run = start("db-masters-read-write", "live", "eqiad", "codfw");
    approve(run, "bob", "GO");
    driver.drive();
    Task decision = task(run, "UserTask_DecideOnSectionFailure");
    assertThat(runtime.getVariable(decision.getExecutionId(), "section")).isEqualTo("s2");
    assertThat(site.isReadOnly("s1", "codfw")).as("a master the run made writable").isFalse();
    complete(
        decision, "alice", Map.of("decision", "abort", "justification", "s2 old master writable"));
    driver.drive();

    assertThat(run)
        .isEnded()
        .hasPassed("ServiceTask_RollBackSections", "EndEvent_LockdownRolledBack")
        .hasNotPassed("EndEvent_LockdownAborted", "EndEvent_SectionsDone");
    assertThat(variable(run, "outcome")).isEqualTo("rolled-back");
    assertThat(site.dbReadOnly).as("every master as it was before the run").isEqualTo(before);
    assertThat(mutations(run))
        .filteredOn(
            e ->
                e.step().startsWith("ServiceTask_RollBackSections")
                    && e.outcome().equals("PERFORMED"))
        .extracting(JournalEntry::target)
        .as("only the master the run opened is closed again")
        .containsExactly("s1.codfw");
    assertThat(runtime.createIncidentQuery().count()).isZero();
    assertThat(site.holders("dc-switchover", "mediawiki")).as("lock released").isEmpty();
    assertThat(journal.entriesOfRun(run.getId()))
        .anyMatch(e -> e.kind().equals("LOCK") && e.outcome().equals("RELEASED"));
  }

  @Test
  void theStarterCannotApproveHerOwnLockdown() {
    ProcessInstance run = start("db-masters-read-only", "live", "eqiad", "codfw");
    driver.drive();
    assertThatThrownBy(
            () -> complete(task(run, "UserTask_GoNoGo"), "alice", Map.of("decision", "GO")))
        .hasMessageContaining("alice started this run");
    driver.drive();
    assertThat(run).isWaitingAt("UserTask_GoNoGo");
    assertThat(mutations(run)).isEmpty();
    assertUnchanged();
  }

  @Test
  void goLocksTheMastersAndReleasesTheLock() {
    ProcessInstance run = start("db-masters-read-only", "live", "eqiad", "codfw");
    approve(run, "bob", "GO");
    driver.drive();
    assertThat(run)
        .isEnded()
        .hasPassedInOrder(
            "UserTask_GoNoGo",
            "Gateway_ApprovalSettled",
            "ServiceTask_SetOldMasterReadOnly",
            "EndEvent_SectionsDone");
    for (String section : FakeSite.SECTIONS) {
      assertThat(site.isReadOnly(section, "eqiad")).as(section).isTrue();
    }
    assertThat(mutations(run))
        .anyMatch(e -> e.kind().equals("SQL") && e.outcome().equals("PERFORMED"));
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
  }

  @Test
  void noGoEndsTheRunWithNothingChangedAndTheLockReleased() {
    ProcessInstance run = start("db-masters-read-only", "live", "eqiad", "codfw");
    approve(run, "bob", "NOGO");
    driver.drive();
    assertThat(run).isEnded().hasPassed("EndEvent_NoGo").hasNotPassed("SubProcess_Sections");
    assertThat(variable(run, "outcome")).isEqualTo("nogo");
    assertThat(mutations(run)).isEmpty();
    assertUnchanged();
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
    assertThat(journal.entriesOfRun(run.getId()))
        .anyMatch(
            e ->
                e.kind().equals("APPROVAL")
                    && e.outcome().equals("NOGO")
                    && e.actor().equals("bob"));
  }

  @Test
  void anExpiredApprovalStopsTheRunAsNoGo() {
    ProcessInstance run = start("db-masters-read-only", "live", "eqiad", "codfw");
    driver.drive();
    driver.fireTimer("Timer_RemindGoNoGo");
    driver.drive();
    assertThat(run).hasPassed("ServiceTask_RemindGoNoGoApprovers").isWaitingAt("UserTask_GoNoGo");
    driver.fireTimer("Timer_GoNoGoExpired");
    driver.drive();
    assertThat(run)
        .isEnded()
        .hasPassedInOrder("ServiceTask_RecordGoNoGoExpiry", "EndEvent_ApprovalExpired");
    assertThat(variable(run, "outcome")).isEqualTo("nogo");
    assertThat(journal.entriesOfRun(run.getId())).anyMatch(e -> e.kind().equals("EXPIRY"));
    assertThat(mutations(run)).isEmpty();
    assertUnchanged();
    assertThat(site.holders("dc-switchover", "mediawiki")).isEmpty();
  }

  @Test
  void aLiveReadWriteStartedAloneWaitsForGoToo() {
    site.master = "codfw";
    FakeSite.SECTIONS.forEach(section -> site.dbReadOnly.put(section + ".eqiad", true));
    ProcessInstance run = start("db-masters-read-write", "live", "eqiad", "codfw");
    driver.drive();
    assertThat(run)
        .isWaitingAt("UserTask_GoNoGo")
        .hasNotPassed("ServiceTask_SetNewMasterReadWrite");
    assertThat(mutations(run)).isEmpty();
    assertThat(site.isReadOnly("s1", "codfw")).isTrue();
    approve(run, "bob", "GO");
    driver.drive();
    assertThat(run)
        .isEnded()
        .hasPassedInOrder(
            "UserTask_GoNoGo", "ServiceTask_SetNewMasterReadWrite", "EndEvent_SectionsDone");
    for (String section : FakeSite.SECTIONS) {
      assertThat(site.isReadOnly(section, "codfw")).as(section).isFalse();
    }
  }

  @Test
  void aDryRunOrLiveTestStartedAloneHasNoGate() {
    ProcessInstance dryRun = start("db-masters-read-only", "dry-run", "eqiad", "codfw");
    driver.drive();
    assertThat(dryRun)
        .isEnded()
        .hasPassed("Gateway_ApprovalSettled", "EndEvent_SectionsDone")
        .hasNotPassed("UserTask_GoNoGo");
    assertThat(mutations(dryRun)).isNotEmpty().allMatch(e -> e.outcome().equals("WOULD"));
    assertUnchanged();

    ProcessInstance liveTest = start("db-masters-read-only", "live-test", "codfw", "eqiad");
    driver.drive();
    assertThat(liveTest).hasPassed("Gateway_ApprovalSettled").hasNotPassed("UserTask_GoNoGo");
    assertThat(
            history
                .createHistoricTaskInstanceQuery()
                .processInstanceId(liveTest.getId())
                .taskDefinitionKey("UserTask_GoNoGo")
                .count())
        .isZero();
  }

  @Test
  void calledFromASwitchoverTheLockdownsAddNoGate() {
    Map<String, Object> vars = request("live", "eqiad", "codfw");
    vars.put("readOnlyBudget", "PT3M");
    vars.put("inFlightGrace", "PT1S");
    ProcessInstance run = startAs("alice", "dc-switchover", vars);
    approve(run, "bob", "GO");
    approveGate(run, "UserTask_FinalGoNoGo", "dave");
    driver.drive();
    org.switchman.support.Checklists.tickOpen(tasks, identity, run.getId());
    assertThat(run).isEnded().hasPassed("EndEvent_SwitchedOver");
    for (String key : List.of("db-masters-read-only", "db-masters-read-write")) {
      String called =
          history
              .createHistoricProcessInstanceQuery()
              .processDefinitionKey(key)
              .superProcessInstanceId(run.getId())
              .singleResult()
              .getId();
      assertThat(
              history
                  .createHistoricActivityInstanceQuery()
                  .processInstanceId(called)
                  .activityId("Gateway_ApprovalSettled")
                  .count())
          .as(key + " passed the gate join")
          .isEqualTo(1);
      assertThat(
              history
                  .createHistoricActivityInstanceQuery()
                  .processInstanceId(called)
                  .activityId("UserTask_GoNoGo")
                  .count())
          .as(key + " never reached its gate")
          .isZero();
      assertThat(history.createHistoricTaskInstanceQuery().processInstanceId(called).count())
          .as(key + " created no task")
          .isZero();
    }
    assertThat(site.master).isEqualTo("codfw");
  }

  // ---------------------------------------------------------------- driving

  private ProcessInstance start(String key, String mode, String from, String to) {
    return startAs("alice", key, request(mode, from, to));
  }

  private static Map<String, Object> request(String mode, String from, String to) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("dcFrom", from);
    vars.put("dcTo", to);
    vars.put("mode", mode);
    vars.put("reason", "DB lockdown");
    vars.put("ticket", "T1234");
    return vars;
  }

  private ProcessInstance startAs(String user, String key, Map<String, Object> vars) {
    identity.setAuthentication(user, List.of("operators", "approvers"));
    try {
      return runtime.startProcessInstanceByKey(key, vars);
    } finally {
      identity.clearAuthentication();
    }
  }

  /**
   * Every section's master as {@link FakeSite#reset()} left it: eqiad writable, codfw read-only.
   */
  private void assertUnchanged() {
    for (String section : FakeSite.SECTIONS) {
      assertThat(site.isReadOnly(section, "eqiad")).as(section + " eqiad").isFalse();
      assertThat(site.isReadOnly(section, "codfw")).as(section + " codfw").isTrue();
    }
  }

  private List<JournalEntry> mutations(ProcessInstance run) {
    return journal.entriesOfRun(run.getId()).stream()
        .filter(e -> MUTATION_KINDS.contains(e.kind()))
        .toList();
  }

  private void approve(ProcessInstance run, String user, String decision) {
    driver.drive();
    complete(
        task(run, "UserTask_GoNoGo"),
        user,
        Map.of("decision", decision, "comment", decision + " by " + user));
  }

  private void approveGate(ProcessInstance run, String gate, String user) {
    driver.drive();
    // the preparation checklist comes before the final gate
    org.switchman.support.Checklists.tickOpen(tasks, identity, run.getId());
    driver.drive();
    complete(task(run, gate), user, Map.of("decision", "GO", "comment", "GO by " + user));
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
