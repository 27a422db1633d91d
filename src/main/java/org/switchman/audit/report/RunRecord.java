package org.switchman.audit.report;

import java.util.List;

/**
 * What the engine's history knows of one run.
 *
 * @param summary the run as the list shows it
 * @param definitionId the exact diagram version the run executed
 * @param runIds the run and every process it called, the run first
 * @param timeline phases and steps in the order they started, nested by depth
 * @param visitedActivityIds every diagram element the run passed through (called processes
 *     excluded), for highlighting the path taken
 * @param activeActivityIds the elements the run is in now
 * @param openTasks the user tasks waiting now, called processes included
 * @param incidents the incidents raised, called processes included
 */
public record RunRecord(
    RunSummary summary,
    String definitionId,
    List<String> runIds,
    List<TimelineEntry> timeline,
    List<String> visitedActivityIds,
    List<String> activeActivityIds,
    List<OpenTask> openTasks,
    List<Incident> incidents) {}
