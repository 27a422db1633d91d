package org.switchman.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PlainTextTest {

  @Test
  void oneLineHasNoControlCharactersLeft() {
    String hostile =
        "planned\u001b[2J\u001b[31m\rforged\u0085line\u2028two\u2029three\ttab\u0000"
            + "\u009bcsi\u202Eevil\n2026-11-25T00:00:00Z root: fake";
    String clean = PlainText.singleLine(hostile);
    assertThat(clean)
        .isEqualTo(
            "planned[2J[31m forged line two three tabcsievil" + " 2026-11-25T00:00:00Z root: fake");
    assertThat(clean.chars())
        .noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029);
  }

  @Test
  void severalLinesKeepLineFeedsAndTabs() {
    assertThat(PlainText.multiLine("a\r\nb\rc\td\u001b[0m\u2028e")).isEqualTo("a\nb\nc\td[0m\ne");
    assertThat(PlainText.multiLine(null)).isNull();
    assertThat(PlainText.singleLine("plain text")).isSameAs("plain text");
  }

  @Test
  void opsLogLinesAreStrippedInEveryTextField() {
    OpsEvent event =
        new OpsEvent(
            Instant.parse("2026-11-25T02:40:00Z"),
            OpsEvent.Kind.RUN_STARTED,
            "dc-switchover",
            "run-1",
            "alice\u001b[8m",
            "reason\r\n2026-11-25T02:41:00Z bob: forged",
            "T1\u0085",
            "detail\u2028x");
    assertThat(event.line())
        .isEqualTo(
            "2026-11-25T02:40:00Z alice[8m: dc-switchover run-1 run started:"
                + " detail x (T1 : reason  2026-11-25T02:41:00Z bob: forged)");
    assertThat(event.reason()).doesNotContain("\r", "\n");
  }
}
