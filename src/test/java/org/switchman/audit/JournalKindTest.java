package org.switchman.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.Mutation;

class JournalKindTest {

  @Test
  void anEntryCarriesItsKindAndOriginAndNothingThatBelongsToChanges() {
    JournalEntry.Draft draft =
        JournalKind.ESCALATION.entry(
            new JournalEntry.Origin("run-1", "Timer_ReadOnlyBudget", "alice", "live")
                .as(JournalEntry.SYSTEM),
            "read-only window",
            "budget PT5M",
            "EXCEEDED",
            "read-only for 6 min");

    assertThat(draft.kind()).isEqualTo("ESCALATION");
    assertThat(draft.runId()).isEqualTo("run-1");
    assertThat(draft.step()).isEqualTo("Timer_ReadOnlyBudget");
    assertThat(draft.actor()).isEqualTo("system");
    assertThat(draft.mode()).isEqualTo("live");
    assertThat(draft.durationMillis()).isNull();
    assertThat(draft.hostKeyFingerprint()).isNull();
    assertThat(draft.idempotencyKey()).isNull();
    assertThat(draft.withDurationMillis(1500L).durationMillis()).isEqualTo(1500L);
  }

  @Test
  void aChangesKindIsNoneOfTheseSoReadersTellThemApart() {
    for (Mutation.Kind change : Mutation.Kind.values()) {
      assertThat(JournalKind.of(change.name())).as(change.name()).isEmpty();
    }
    Arrays.stream(JournalKind.values())
        .forEach(kind -> assertThat(JournalKind.of(kind.name())).contains(kind));
  }
}
