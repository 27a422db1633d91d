package org.switchman.web;

import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import org.switchman.audit.report.LiveView;
import org.switchman.audit.report.RunHistory;
import org.switchman.audit.report.RunHosts;
import org.switchman.audit.report.RunServices;

/**
 * The live view of a run, as the live page and its JSON API both show it: the run's history, and
 * the hosts or services of a run that acts on them one by one.
 */
@Component
public class LiveViews {

  private final RunHistory history;
  private final RunHosts hosts;
  private final List<RunServices> services;

  public LiveViews(RunHistory history, RunHosts hosts, List<RunServices> services) {
    this.history = history;
    this.hosts = hosts;
    this.services = services;
  }

  /**
   * @throws org.springframework.web.server.ResponseStatusException 404 when there is no such run
   */
  public LiveView of(String runId) {
    return LiveView.of(
        history.run(runId).orElseThrow(() -> AuditPages.noSuchRun(runId)),
        hosts.of(runId),
        services.stream().flatMap(each -> each.of(runId).stream()).toList(),
        Instant.now());
  }
}
