package org.switchman.process.switchover;

import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.switchman.process.SiteStates;
import org.switchman.runbook.switchover.SwitchoverRequest;

/** The site state of a switchover or a DB lockdown run: ReadOnly, masters, discovery and DNS. */
@Component
public class SwitchoverSiteStates implements SiteStates {

  private static final Set<String> RUNBOOKS =
      Set.of(SwitchoverRequest.RUNBOOK, "db-masters-read-only", "db-masters-read-write");

  private final SwitchoverSteps steps;

  public SwitchoverSiteStates(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public Optional<String> describe(String runbook, String runId) {
    return RUNBOOKS.contains(runbook) ? Optional.of(steps.siteState(runId)) : Optional.empty();
  }
}
