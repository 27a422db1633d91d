package org.switchman.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.switchman.audit.InMemoryJournal;
import org.switchman.audit.JournalEntry;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.Mutation;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;

class MutationsTest {

  private final InMemoryJournal journal = new InMemoryJournal();
  private final Mutations mutations = new Mutations(journal);
  private final AtomicInteger acted = new AtomicInteger();

  private static final Mutation SET_CODFW_READ_ONLY = new Mutation(Mutation.Kind.SQL,
      "db-s1.codfw:33012", "codfw", "SET GLOBAL read_only = 1");
  private static final Mutation SET_EQIAD_READ_ONLY = new Mutation(Mutation.Kind.SQL,
      "db-s1.eqiad:33011", "eqiad", "SET GLOBAL read_only = 1");

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-7", "ServiceTask_SetDbMastersReadOnly", "alice", mode, "eqiad");
  }

  private Mutations.Performed act() {
    acted.incrementAndGet();
    return new Mutations.Performed("Query OK", null);
  }

  @Test
  void liveActsAndJournalsBeforeAndAfter() throws Exception {
    MutationOutcome outcome = mutations.apply(run(ExecutionMode.LIVE), SET_EQIAD_READ_ONLY, this::act);

    assertThat(outcome).isEqualTo(MutationOutcome.PERFORMED);
    assertThat(acted).hasValue(1);
    assertThat(journal.all()).extracting(JournalEntry::outcome).containsExactly("INTENT", "PERFORMED");
    JournalEntry after = journal.all().get(1);
    assertThat(after.action()).isEqualTo("SET GLOBAL read_only = 1");
    assertThat(after.output()).isEqualTo("Query OK");
    assertThat(after.durationMillis()).isNotNull();
    assertThat(after.actor()).isEqualTo("alice");
    assertThat(after.step()).isEqualTo("ServiceTask_SetDbMastersReadOnly");
    assertThat(journal.verify().intact()).isTrue();
  }

  @Test
  void dryRunRecordsTheExactActionAndDoesNotAct() throws Exception {
    MutationOutcome outcome = mutations.apply(run(ExecutionMode.DRY_RUN), SET_EQIAD_READ_ONLY, this::act);

    assertThat(outcome).isEqualTo(MutationOutcome.WOULD);
    assertThat(acted).hasValue(0);
    assertThat(journal.all()).singleElement().satisfies(entry -> {
      assertThat(entry.outcome()).isEqualTo("WOULD");
      assertThat(entry.action()).isEqualTo("would: SET GLOBAL read_only = 1");
      assertThat(entry.mode()).isEqualTo("dry-run");
    });
  }

  @Test
  void liveTestRefusesTheActiveDatacenterAndActsOnThePassiveOne() throws Exception {
    assertThat(mutations.apply(run(ExecutionMode.LIVE_TEST), SET_EQIAD_READ_ONLY, this::act))
        .isEqualTo(MutationOutcome.REFUSED);
    assertThat(acted).hasValue(0);
    assertThat(journal.all().get(0).outcome()).isEqualTo("REFUSED");
    assertThat(journal.all().get(0).output()).contains("eqiad is the active datacenter");

    assertThat(mutations.apply(run(ExecutionMode.LIVE_TEST), SET_CODFW_READ_ONLY, this::act))
        .isEqualTo(MutationOutcome.PERFORMED);
    assertThat(acted).hasValue(1);
  }

  @Test
  void aFailedActIsJournaledAndRethrown() {
    assertThatThrownBy(() -> mutations.apply(run(ExecutionMode.LIVE), SET_EQIAD_READ_ONLY,
        () -> { throw new IOException("Connection refused"); }))
        .isInstanceOf(IOException.class);
    assertThat(journal.all()).extracting(JournalEntry::outcome).containsExactly("INTENT", "FAILED");
    assertThat(journal.all().get(1).output()).isEqualTo("IOException: Connection refused");
  }

  @Test
  void aPostConditionThatDoesNotHoldIsJournaledAndThrown() {
    assertThatThrownBy(() -> mutations.apply(run(ExecutionMode.LIVE), SET_EQIAD_READ_ONLY, this::act,
        () -> { throw new CheckFailedException("read-only-set", "db-s1.eqiad is still read-write"); }))
        .isInstanceOf(CheckFailedException.class)
        .hasMessage("db-s1.eqiad is still read-write");
    assertThat(journal.all()).extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "PERFORMED", "VERIFY_FAILED");
  }

  @Test
  void liveTestNeedsToKnowTheActiveDatacenter() {
    assertThatThrownBy(() -> new RunContext("r", "s", "alice", ExecutionMode.LIVE_TEST, null))
        .hasMessageContaining("active datacenter");
  }

  @Test
  void modesParseAsFormsSpellThem() {
    assertThat(ExecutionMode.parse("live-test")).isEqualTo(ExecutionMode.LIVE_TEST);
    assertThatThrownBy(() -> ExecutionMode.parse("yolo"))
        .hasMessage("Unknown mode 'yolo': use one of live, live-test, dry-run");
  }
}
