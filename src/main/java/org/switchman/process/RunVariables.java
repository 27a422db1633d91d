package org.switchman.process;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;

/**
 * Helpers for expressions in the diagrams, e.g. the multi-instance collection {@code
 * ${runVariables.list(sections)}}: variables hold plain text, never serialized Java objects.
 */
@Component("runVariables")
public class RunVariables {

  /** A comma-separated text as a list, blanks dropped. */
  public List<String> list(String csv) {
    return split(csv);
  }

  /**
   * A repeating timer cycle that first fires {@code first} from now (the engine's clock), then
   * every {@code interval} until the activity it is attached to ends, e.g. {@code
   * ${runVariables.cycle(decisionEscalationFirst, decisionEscalationInterval)}} gives {@code
   * R/2026-11-25T02:41:00Z/PT3M} for a task opened at 02:40 with {@code PT1M} and {@code PT3M}. The
   * engine computes each next fire from that start, so the first delay and the interval may differ.
   *
   * @param first an ISO-8601 duration, such as {@code PT1M}
   * @param interval an ISO-8601 duration longer than zero
   * @throws IllegalArgumentException when either is not such a duration
   */
  public String cycle(String first, String interval) {
    Duration delay = parse("first", first);
    Duration every = parse("interval", interval);
    if (every.isZero() || every.isNegative()) {
      throw new IllegalArgumentException(
          "a timer cycle's interval must be longer than zero, not " + interval);
    }
    Instant due = ClockUtil.getCurrentTime().toInstant().plus(delay);
    // whole seconds, never earlier than the delay asks
    Instant start =
        due.truncatedTo(ChronoUnit.SECONDS).equals(due)
            ? due
            : due.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    return "R/" + start + "/" + every;
  }

  private static Duration parse(String what, String text) {
    try {
      return Duration.parse(text == null ? "" : text.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "a timer cycle's "
              + what
              + " must be an ISO-8601 duration"
              + " such as PT3M, not '"
              + text
              + "'",
          e);
    }
  }

  /** {@link #list} for Java callers. */
  public static List<String> split(String csv) {
    return csv == null || csv.isBlank()
        ? List.of()
        : Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
