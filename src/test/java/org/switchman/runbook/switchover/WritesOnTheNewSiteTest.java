package org.switchman.runbook.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchman.audit.InMemoryJournal;
import org.switchman.infra.Mutations;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.support.FakeSite;

/**
 * After ReadOnly off, the edits land on the new masters and replication flows from them back to the
 * old ones, section by section; what does not, within the looks allowed, is named.
 */
class WritesOnTheNewSiteTest {

  private static final Instant READ_WRITE_AGAIN = Instant.parse("2026-12-03T07:00:00Z");

  /** Sections whose codfw heartbeats stop reaching eqiad. */
  private final Set<String> replicationStopped = ConcurrentHashMap.newKeySet();

  /** Sections whose codfw master still holds only edits from before ReadOnly off. */
  private final Set<String> noNewEdits = ConcurrentHashMap.newKeySet();

  private boolean readsEdits = true;

  /** The sections whose newest edit was read, once per read. */
  private final List<String> editReads = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final FakeSite site =
      new FakeSite(new Mutations(new InMemoryJournal())) {
        @Override
        public boolean readsEdits() {
          return readsEdits;
        }

        @Override
        public Optional<Instant> newestEdit(String section, String dc) {
          editReads.add(section);
          return Optional.of(
              noNewEdits.contains(section) ? READ_WRITE_AGAIN.minusSeconds(5) : Instant.now());
        }

        @Override
        public Optional<Instant> newestHeartbeat(
            String section, String readOnDc, String writtenByDc) {
          if (!readOnDc.equals(writtenByDc) && replicationStopped.contains(section)) {
            return Optional.of(READ_WRITE_AGAIN.minusSeconds(1));
          }
          return Optional.of(Instant.now());
        }
      };

  private final SwitchoverChecks checks =
      new SwitchoverChecks(
          new SwitchoverTopology(
              FakeSite.DCS,
              FakeSite.SERVICES,
              FakeSite.SECTIONS,
              Map.of("eqiad", List.of(), "codfw", List.of()),
              Map.of("eqiad", List.of(), "codfw", List.of()),
              Map.of("eqiad", List.of(), "codfw", List.of()),
              "mw-cron",
              "deploy1001.eqiad.wmnet",
              Map.of("eqiad", List.of(), "codfw", List.of())),
          site,
          site,
          site,
          5,
          3,
          Duration.ofMillis(2));

  private static final SwitchoverRequest REQUEST =
      new SwitchoverRequest(
          "eqiad", "codfw", ExecutionMode.LIVE, "test", "T1", Duration.ofMinutes(3), Duration.ZERO);

  private static RunContext run(ExecutionMode mode) {
    return new RunContext(
        "run-1", "ServiceTask_CheckSwitchedOverState", "alice", mode, "codfw", null);
  }

  @BeforeEach
  void site() {
    replicationStopped.clear();
    noNewEdits.clear();
    editReads.clear();
  }

  @Test
  void editsOnTheNewMastersAndHeartbeatsBackToTheOldOnesHold() {
    assertThat(checks.writesOnTheNewSite(run(ExecutionMode.LIVE), REQUEST, READ_WRITE_AGAIN))
        .isEmpty();
  }

  @Test
  void aSectionWithoutNewEditsOrWhoseReplicationBackStoppedIsNamed() {
    String first = FakeSite.SECTIONS.get(0);
    String second = FakeSite.SECTIONS.get(1);
    noNewEdits.add(first);
    replicationStopped.add(second);

    List<String> broken =
        checks.writesOnTheNewSite(run(ExecutionMode.LIVE), REQUEST, READ_WRITE_AGAIN);

    assertThat(broken)
        .containsExactly(
            "no edit landed on the codfw master of "
                + first
                + " after ReadOnly off at 2026-12-03T07:00:00Z (its newest: 2026-12-03T06:59:55Z)",
            broken.get(1));
    assertThat(broken.get(1))
        .startsWith(
            "replication does not flow from the codfw master of "
                + second
                + " to the eqiad one: it holds no codfw heartbeat newer than")
        .endsWith("(its newest: 2026-12-03T06:59:59Z)");
  }

  @Test
  void aSectionWhoseRulesHeldIsNotReadAgain() {
    String first = FakeSite.SECTIONS.get(0);
    noNewEdits.add(first);

    checks.writesOnTheNewSite(run(ExecutionMode.LIVE), REQUEST, READ_WRITE_AGAIN);

    assertThat(editReads.stream().filter(first::equals)).as("every look").hasSize(3);
    assertThat(editReads).as("the others once").hasSize(3 + FakeSite.SECTIONS.size() - 1);
  }

  @Test
  void withoutAWayToReadEditsOnlyReplicationIsChecked() {
    readsEdits = false;
    noNewEdits.addAll(FakeSite.SECTIONS);

    assertThat(checks.writesOnTheNewSite(run(ExecutionMode.LIVE), REQUEST, READ_WRITE_AGAIN))
        .isEmpty();
  }

  @Test
  void aRunThatChangedNothingChecksNothing() {
    noNewEdits.addAll(FakeSite.SECTIONS);
    replicationStopped.addAll(FakeSite.SECTIONS);

    assertThat(checks.writesOnTheNewSite(run(ExecutionMode.DRY_RUN), REQUEST, READ_WRITE_AGAIN))
        .isEmpty();
  }
}
