package org.switchman.audit.report;

import java.time.Instant;

/**
 * One phase or step of a run, as the engine's history recorded it.
 *
 * @param activityId the diagram element's id
 * @param name its name, with the section for a per-section step
 * @param type the BPMN type: {@code subProcess}, {@code serviceTask}, {@code userTask}, …
 * @param depth 0 for the run's top level, 1 inside a phase, and so on (a called process nests under
 *     its call)
 * @param startedAt when it started
 * @param endedAt when it ended, or {@code null} while it runs
 * @param canceled whether it was interrupted (a boundary event, an abort) instead of completing
 * @param assignee who completed it, for a user task
 * @param durationMillis milliseconds from start to end, or {@code null} while it runs
 */
public record TimelineEntry(
    String activityId,
    String name,
    String type,
    int depth,
    Instant startedAt,
    Instant endedAt,
    boolean canceled,
    String assignee,
    Long durationMillis) {

  public TimelineEntry {
    durationMillis = endedAt == null ? null : endedAt.toEpochMilli() - startedAt.toEpochMilli();
  }

  public TimelineEntry(
      String activityId,
      String name,
      String type,
      int depth,
      Instant startedAt,
      Instant endedAt,
      boolean canceled,
      String assignee) {
    this(activityId, name, type, depth, startedAt, endedAt, canceled, assignee, null);
  }

  public boolean phase() {
    return "subProcess".equals(type) && activityId.startsWith("Phase_");
  }
}
