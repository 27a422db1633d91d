package org.switchman.audit.report;

import java.time.Instant;
import java.util.List;

/**
 * Where a run is now, for the live page that polls it.
 *
 * @param summary the run
 * @param currentPhases the phases it is in
 * @param runningSteps the steps running now (phases excluded)
 * @param openTasks user tasks waiting for a person
 * @param readOnlyElapsedMillis how long the site has been read-only, while the window is open
 * @param readOnlyRemainingMillis what is left of the budget (negative once overrun), while the
 *     window is open and has a budget
 * @param hosts for a run that acts host by host, each host of its plan and where it stands; empty
 *     for other runs
 * @param services for a run that acts service by service, each service of its plan and where it
 *     stands; empty otherwise
 * @param serverTime when this view was taken, so that the page can count down from it
 */
public record LiveView(
    RunSummary summary,
    List<String> currentPhases,
    List<String> runningSteps,
    List<OpenTask> openTasks,
    Long readOnlyElapsedMillis,
    Long readOnlyRemainingMillis,
    List<HostProgress> hosts,
    List<ServiceProgress> services,
    Instant serverTime) {

  public LiveView {
    hosts = List.copyOf(hosts);
    services = List.copyOf(services);
  }

  public static LiveView of(
      RunRecord run, List<HostProgress> hosts, List<ServiceProgress> services, Instant now) {
    List<String> phases =
        run.timeline().stream()
            .filter(step -> step.endedAt() == null && step.phase())
            .map(TimelineEntry::name)
            .toList();
    List<String> steps =
        run.timeline().stream()
            .filter(step -> step.endedAt() == null && !step.phase())
            .map(TimelineEntry::name)
            .toList();
    ReadOnlyWindow window = run.summary().readOnlyWindow();
    boolean open = window != null && window.open() && run.summary().running();
    Long elapsed = open ? window.length(now).toMillis() : null;
    Long remaining = open && window.budget() != null ? window.remaining(now).toMillis() : null;
    return new LiveView(
        run.summary(), phases, steps, run.openTasks(), elapsed, remaining, hosts, services, now);
  }
}
