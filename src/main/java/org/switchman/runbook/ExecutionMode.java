package org.switchman.runbook;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a run treats the outside world. Every mutation passes through one choke point that honours
 * the mode; reads are always real.
 */
public enum ExecutionMode {
  /** Acts. */
  LIVE("live"),
  /**
   * Acts on the passive datacenter only; a mutation aimed at the active one is refused and
   * recorded.
   */
  LIVE_TEST("live-test"),
  /** Reads for real; records each mutation as "would: …" and performs none. */
  DRY_RUN("dry-run");

  private final String value;

  ExecutionMode(String value) {
    this.value = value;
  }

  /** The value used in forms, process variables and the REST API. */
  public String value() {
    return value;
  }

  /**
   * Parses a mode as forms and the REST API spell it.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ExecutionMode parse(String text) {
    for (ExecutionMode mode : values()) {
      if (mode.value.equals(text)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "Unknown mode '"
            + text
            + "': use one of "
            + Arrays.stream(values()).map(ExecutionMode::value).collect(Collectors.joining(", ")));
  }

  /**
   * Parses the mode of a runbook that knows only {@code live} and {@code dry-run} (the restarts:
   * there is no passive datacenter to test on).
   *
   * @param problems where a mode that is neither is named
   * @return the mode, or {@code null} when a problem was added
   */
  public static ExecutionMode liveOrDryRun(String text, java.util.List<String> problems) {
    String mode = text == null ? "" : text.strip();
    if (mode.equals(LIVE.value)) {
      return LIVE;
    }
    if (mode.equals(DRY_RUN.value)) {
      return DRY_RUN;
    }
    problems.add("mode '" + EchoedInput.shortened(mode, 40) + "' is not one of live, dry-run");
    return null;
  }
}
