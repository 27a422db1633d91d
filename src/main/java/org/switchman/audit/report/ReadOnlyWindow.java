package org.switchman.audit.report;

import java.time.Duration;
import java.time.Instant;

/**
 * The time a run kept the site read-only.
 *
 * @param startedAt when read-only was set
 * @param endedAt when read-write was restored, or {@code null} while the window is open
 * @param budget how long the window may last before the run escalates, or {@code null}
 * @param budgetExceeded whether the budget timer fired
 * @param lengthMillis the window's length once it has ended, else {@code null}
 */
public record ReadOnlyWindow(
    Instant startedAt,
    Instant endedAt,
    Duration budget,
    boolean budgetExceeded,
    Long lengthMillis) {

  public ReadOnlyWindow {
    lengthMillis = endedAt == null ? null : Duration.between(startedAt, endedAt).toMillis();
  }

  public ReadOnlyWindow(
      Instant startedAt, Instant endedAt, Duration budget, boolean budgetExceeded) {
    this(startedAt, endedAt, budget, budgetExceeded, null);
  }

  public boolean open() {
    return endedAt == null;
  }

  /** The window's length: to its end, or to {@code now} while it is open. */
  public Duration length(Instant now) {
    return Duration.between(startedAt, endedAt != null ? endedAt : now);
  }

  /**
   * What is left of the budget at {@code now} (negative once overrun), or {@code null} without one.
   */
  public Duration remaining(Instant now) {
    return budget == null ? null : budget.minus(length(now));
  }
}
