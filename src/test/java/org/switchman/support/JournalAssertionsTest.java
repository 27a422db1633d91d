package org.switchman.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchman.support.JournalAssertions.Entry;

class JournalAssertionsTest {

  private static Entry e(long seq, String step, String target, String outcome) {
    return new Entry(seq, "run", step, "SSH", target, "systemctl stop mw-cron", outcome, "", 0);
  }

  @Test
  void anIntentWithoutOutcomeIsAnOrphanUnlessReconciled() {
    List<Entry> orphan =
        List.of(
            e(1, "Stop", "h1", "INTENT"),
            e(2, "Stop", "h2", "INTENT"),
            e(3, "Stop", "h2", "PERFORMED"));
    assertThatThrownBy(() -> JournalAssertions.everyIntentHasAnOutcome(orphan))
        .hasMessageContaining("#1 INTENT Stop h1");
    List<Entry> reconciled =
        List.of(
            e(1, "Stop", "h1", "INTENT"),
            new Entry(
                5,
                "run",
                "Stop",
                "SSH",
                "h1",
                "reconcile",
                "RECONCILED",
                "applied (intent seq 1)",
                0));
    assertThatCode(() -> JournalAssertions.everyIntentHasAnOutcome(reconciled))
        .doesNotThrowAnyException();
    List<Entry> outcomeBefore =
        List.of(e(2, "Stop", "h1", "PERFORMED"), e(3, "Stop", "h1", "INTENT"));
    assertThatThrownBy(() -> JournalAssertions.everyIntentHasAnOutcome(outcomeBefore))
        .hasMessageContaining("#3");
  }

  @Test
  void twoExecutionsUnderWayAtOnceOverlap() {
    List<Entry> overlapping =
        List.of(
            e(1, "Stop", "h1", "INTENT"),
            e(2, "Stop", "h1", "INTENT"),
            e(3, "Stop", "h1", "PERFORMED"),
            e(4, "Stop", "h1", "PERFORMED"));
    assertThatThrownBy(() -> JournalAssertions.noOverlappingIntervals(overlapping))
        .hasMessageContaining("#1-#3 and #2-#4");
    List<Entry> sequential =
        List.of(
            e(1, "Stop", "h1", "INTENT"),
            e(2, "Stop", "h1", "FAILED"),
            e(3, "Stop", "h1", "INTENT"),
            e(4, "Stop", "h1", "PERFORMED"),
            e(5, "Stop", "h2", "INTENT"),
            e(6, "Stop", "h2", "PERFORMED"));
    assertThatCode(() -> JournalAssertions.noOverlappingIntervals(sequential))
        .doesNotThrowAnyException();
  }

  @Test
  void aChangePerformedTwiceIsFoundUnlessDeclaredRepeatable() {
    List<Entry> twice =
        List.of(
            e(1, "Stop", "h1", "INTENT"),
            e(2, "Stop", "h1", "PERFORMED"),
            e(3, "Stop", "h1", "INTENT"),
            e(4, "Stop", "h1", "PERFORMED"));
    assertThatThrownBy(() -> JournalAssertions.atMostOnePerformed(twice, x -> false))
        .hasMessageContaining("[2L, 4L]");
    assertThatCode(() -> JournalAssertions.atMostOnePerformed(twice, x -> x.target().equals("h1")))
        .doesNotThrowAnyException();
  }
}
