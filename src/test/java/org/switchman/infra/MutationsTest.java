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
import org.switchman.runbook.port.UnansweredChangeException;

class MutationsTest {

  private final InMemoryJournal journal = new InMemoryJournal();
  private final Mutations mutations = new Mutations(journal);
  private final AtomicInteger acted = new AtomicInteger();

  private static final Mutation SET_CODFW_READ_ONLY =
      new Mutation(Mutation.Kind.SQL, "db-s1.codfw:33012", "codfw", "SET GLOBAL read_only = 1");
  private static final Mutation SET_EQIAD_READ_ONLY =
      new Mutation(Mutation.Kind.SQL, "db-s1.eqiad:33011", "eqiad", "SET GLOBAL read_only = 1");

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-7", "ServiceTask_SetDbMastersReadOnly", "alice", mode, "eqiad");
  }

  private Mutations.Performed act() {
    acted.incrementAndGet();
    return new Mutations.Performed("Query OK", null);
  }

  @Test
  void liveActsAndJournalsBeforeAndAfter() throws Exception {
    MutationOutcome outcome =
        mutations.apply(run(ExecutionMode.LIVE), SET_EQIAD_READ_ONLY, this::act);

    assertThat(outcome).isEqualTo(MutationOutcome.PERFORMED);
    assertThat(acted).hasValue(1);
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "PERFORMED");
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
    MutationOutcome outcome =
        mutations.apply(run(ExecutionMode.DRY_RUN), SET_EQIAD_READ_ONLY, this::act);

    assertThat(outcome).isEqualTo(MutationOutcome.WOULD);
    assertThat(acted).hasValue(0);
    assertThat(journal.all())
        .singleElement()
        .satisfies(
            entry -> {
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
    assertThatThrownBy(
            () ->
                mutations.apply(
                    run(ExecutionMode.LIVE),
                    SET_EQIAD_READ_ONLY,
                    () -> {
                      throw new IOException("Connection refused");
                    }))
        .isInstanceOf(IOException.class);
    assertThat(journal.all()).extracting(JournalEntry::outcome).containsExactly("INTENT", "FAILED");
    assertThat(journal.all().get(1).output()).isEqualTo("IOException: Connection refused");
  }

  @Test
  void aPostConditionThatDoesNotHoldIsJournaledAndThrown() {
    assertThatThrownBy(
            () ->
                mutations.apply(
                    run(ExecutionMode.LIVE),
                    SET_EQIAD_READ_ONLY,
                    this::act,
                    () -> {
                      throw new CheckFailedException(
                          "read-only-set", "db-s1.eqiad is still read-write");
                    }))
        .isInstanceOf(CheckFailedException.class)
        .hasMessage("db-s1.eqiad is still read-write");
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "PERFORMED", "VERIFY_FAILED");
  }

  // ---------------------------------------------------------------- idempotency and reconciliation

  private static final Mutation RESTART_ENVOY =
      new Mutation(
          Mutation.Kind.SSH_COMMAND, "mw1001.eqiad.wmnet", "eqiad", "systemctl restart envoyproxy");

  /** Attempt {@code n} of the step: the engine gives every attempt a new activity instance. */
  private static RunContext attempt(int n) {
    return new RunContext(
        "run-7",
        "ServiceTask_RestartEnvoy",
        "alice",
        ExecutionMode.LIVE,
        "codfw",
        "ServiceTask_RestartEnvoy:instance-" + n);
  }

  /** The application dies: an error that no catch block of the choke point journals. */
  private static final class Crash extends Error {}

  /** Attempt 1 makes the change, then the application dies before the outcome is journaled. */
  private void crashAfterActing(Mutation mutation) {
    assertThatThrownBy(
            () ->
                mutations.apply(
                    attempt(1),
                    mutation,
                    () -> {
                      act();
                      throw new Crash();
                    }))
        .isInstanceOf(Crash.class);
    assertThat(journal.all()).extracting(JournalEntry::outcome).containsExactly("INTENT");
  }

  private final java.util.List<java.time.Instant> probedSince = new java.util.ArrayList<>();

  private void probeSays(Mutations.Observation observation) {
    mutations.probe(
        Mutation.Kind.SSH_COMMAND,
        (mutation, since) -> {
          probedSince.add(since);
          return observation;
        });
  }

  @Test
  void everyEntryOfAnAttemptCarriesItsIdempotencyKey() throws Exception {
    mutations.apply(attempt(1), RESTART_ENVOY, this::act);
    mutations.apply(
        attempt(1),
        new Mutation(Mutation.Kind.SSH_COMMAND, "mw1001.eqiad.wmnet", "eqiad", "run-puppet-agent"),
        this::act);

    java.util.List<JournalEntry> all = journal.all();
    assertThat(all.get(0).idempotencyKey())
        .isEqualTo(all.get(1).idempotencyKey())
        .startsWith("run-7/ServiceTask_RestartEnvoy:instance-1/mw1001.eqiad.wmnet/")
        .endsWith("/1");
    assertThat(all.get(2).idempotencyKey())
        .as("another action on the same target")
        .isEqualTo(all.get(3).idempotencyKey())
        .isNotEqualTo(all.get(0).idempotencyKey());
    assertThat(journal.verify().intact()).isTrue();
  }

  @Test
  void anOrphanIntentFoundAppliedIsReconciledAndNotActedAgain() throws Exception {
    probeSays(Mutations.Observation.applied("envoyproxy is active since after the first attempt"));
    crashAfterActing(RESTART_ENVOY);
    JournalEntry orphan = journal.all().get(0);

    assertThat(mutations.apply(attempt(2), RESTART_ENVOY, this::act))
        .isEqualTo(MutationOutcome.PERFORMED);

    assertThat(acted).as("restarted once, by the attempt that died").hasValue(1);
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "RECONCILED");
    JournalEntry reconciled = journal.all().get(1);
    assertThat(reconciled.idempotencyKey()).isEqualTo(orphan.idempotencyKey());
    assertThat(reconciled.action()).isEqualTo("systemctl restart envoyproxy");
    assertThat(reconciled.output())
        .startsWith(
            "applied\nsettles entry "
                + orphan.seq()
                + " (INTENT, no outcome journaled)\nobserved: envoyproxy is active");
    assertThat(probedSince).containsExactly(orphan.at());
    assertThat(journal.verify().intact()).isTrue();
  }

  @Test
  void anOrphanIntentFoundNotAppliedIsReconciledBeforeTheNextAttemptActs() throws Exception {
    probeSays(Mutations.Observation.notApplied("envoyproxy active since yesterday"));
    crashAfterActing(RESTART_ENVOY);

    assertThat(mutations.apply(attempt(2), RESTART_ENVOY, this::act))
        .isEqualTo(MutationOutcome.PERFORMED);

    assertThat(acted).hasValue(2);
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "RECONCILED", "INTENT", "PERFORMED");
    assertThat(journal.all().get(1).output()).startsWith("not-applied\nsettles entry 1 ");
    assertThat(journal.all().get(2).idempotencyKey())
        .as("the second attempt has a key of its own")
        .startsWith("run-7/ServiceTask_RestartEnvoy:instance-2/")
        .endsWith("/2")
        .isEqualTo(journal.all().get(3).idempotencyKey());
  }

  @Test
  void aTimeoutIsJournaledUnknownAndTheNextReadReconcilesIt() {
    probeSays(Mutations.Observation.applied("etcd holds the new value"));
    assertThatThrownBy(
            () ->
                mutations.apply(
                    attempt(1),
                    RESTART_ENVOY,
                    () -> {
                      act();
                      throw new UnansweredChangeException("etcd did not answer within PT3S", null);
                    }))
        .isInstanceOf(UnansweredChangeException.class);
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "UNKNOWN");
    assertThat(journal.all().get(1).output()).contains("etcd did not answer");

    // the next attempt reads first and finds nothing to change: it only settles the open attempt
    mutations.reconcile(attempt(2));
    mutations.reconcile(attempt(2));

    assertThat(acted).hasValue(1);
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "UNKNOWN", "RECONCILED");
    assertThat(journal.all().get(2).output())
        .startsWith("applied\nsettles entry 1 (INTENT) and entry 2 (UNKNOWN)\n");
    assertThat(journal.all())
        .extracting(JournalEntry::idempotencyKey)
        .containsOnly(journal.all().get(0).idempotencyKey());
  }

  @Test
  void aTimedOutSshCommandIsUnknownToo() {
    assertThatThrownBy(
        () ->
            mutations.apply(
                attempt(1),
                RESTART_ENVOY,
                () -> {
                  throw new org.switchman.runbook.port.RemoteExecutionException.CommandTimedOut(
                      "mw1001.eqiad.wmnet",
                      "systemctl restart envoyproxy",
                      java.time.Duration.ofSeconds(60));
                }));
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "UNKNOWN");
  }

  @Test
  void aChangeInterruptedByShutdownIsUnknownToo() {
    assertThatThrownBy(
        () ->
            mutations.apply(
                attempt(1),
                RESTART_ENVOY,
                () -> {
                  throw new org.switchman.runbook.port.StepInterruptedException(
                      "waiting for etcd", new InterruptedException());
                }));
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "UNKNOWN");
  }

  @Test
  void theOpenAttemptsOfTheRunningAttemptItselfAreLeftAlone() {
    probeSays(Mutations.Observation.notApplied("-"));
    crashAfterActing(RESTART_ENVOY);
    mutations.reconcile(attempt(1));
    assertThat(journal.all()).extracting(JournalEntry::outcome).containsExactly("INTENT");
    assertThat(probedSince).isEmpty();
  }

  @Test
  void aWorldThatCannotBeReadStopsTheAttemptBeforeItActs() {
    mutations.probe(
        Mutation.Kind.SSH_COMMAND,
        (mutation, since) -> {
          throw new org.switchman.runbook.port.RemoteExecutionException.Unreachable(
              "mw1001.eqiad.wmnet", "no answer", null);
        });
    crashAfterActing(RESTART_ENVOY);
    assertThatThrownBy(() -> mutations.apply(attempt(2), RESTART_ENVOY, this::act))
        .hasMessageContaining("unreachable");
    assertThat(acted).hasValue(1);
    assertThat(journal.all()).extracting(JournalEntry::outcome).containsExactly("INTENT");
  }

  @Test
  void aChangeAnEarlierAttemptMadeIsNotRepeatedWhileItsMarkHolds() throws Exception {
    probeSays(Mutations.Observation.applied("envoyproxy active since the first attempt"));
    mutations.apply(attempt(1), RESTART_ENVOY, this::act);

    assertThat(mutations.apply(attempt(2), RESTART_ENVOY, this::act))
        .isEqualTo(MutationOutcome.PERFORMED);

    assertThat(acted).hasValue(1);
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "PERFORMED", "RECONCILED");
    assertThat(journal.all().get(2).output()).startsWith("applied\nconfirms entry 2 (PERFORMED)");
    assertThat(probedSince).containsExactly(journal.all().get(0).at());

    mutations.apply(attempt(3), RESTART_ENVOY, this::act);
    assertThat(acted).as("nor by a third attempt").hasValue(1);
    assertThat(journal.all()).as("confirmed once").hasSize(3);
  }

  @Test
  void aChangeWhoseMarkIsGoneIsMadeAgain() throws Exception {
    probeSays(Mutations.Observation.notApplied("envoyproxy failed since"));
    mutations.apply(attempt(1), RESTART_ENVOY, this::act);
    mutations.apply(attempt(2), RESTART_ENVOY, this::act);
    assertThat(acted).hasValue(2);
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "PERFORMED", "INTENT", "PERFORMED");
  }

  @Test
  void aFailedAttemptIsSettledAndTheNextOneActsWithoutReadingBack() throws Exception {
    probeSays(Mutations.Observation.applied("-"));
    assertThatThrownBy(
        () ->
            mutations.apply(
                attempt(1),
                RESTART_ENVOY,
                () -> {
                  throw new IOException("Connection refused");
                }));
    mutations.apply(attempt(2), RESTART_ENVOY, this::act);
    assertThat(acted).hasValue(1);
    assertThat(probedSince).isEmpty();
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "FAILED", "INTENT", "PERFORMED");
  }

  @Test
  void outsideTheEngineACallIsNeverTakenForARepeat() throws Exception {
    probeSays(Mutations.Observation.applied("-"));
    RunContext tool = run(ExecutionMode.LIVE);
    mutations.apply(tool, RESTART_ENVOY, this::act);
    mutations.apply(tool, RESTART_ENVOY, this::act);
    assertThat(acted).hasValue(2);
    assertThat(probedSince).isEmpty();
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
