package org.switchman.process.opslog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.SiteStates;

/**
 * The alarm for an incident: a step failed after its retries where no operator decision can be
 * offered (a rollback, a step outside any decision's reach), so the run stops until an
 * administrator acts in Cockpit. The ops log (and with it the webhook) gets an escalation that
 * names the run, the step, the failure and the state of the site, read once the incident is
 * committed.
 */
@Component
public class IncidentAlarms {

  private static final Logger LOG = LoggerFactory.getLogger(IncidentAlarms.class);

  private final OpsLog opsLog;
  private final ObjectProvider<SiteStates> siteStates;

  public IncidentAlarms(OpsLog opsLog, ObjectProvider<SiteStates> siteStates) {
    this.opsLog = opsLog;
    this.siteStates = siteStates;
  }

  /**
   * Raises the alarm; call it after the incident has committed (it reads the site, which may take
   * the servers' timeouts).
   *
   * @param runbook the process key of the process that has the incident
   * @param runId the run it belongs to (its root process instance)
   */
  public void raise(String runbook, String runId, String step, String message) {
    String site =
        siteStates
            .orderedStream()
            .map(s -> s.describe(runbook, runId))
            .flatMap(Optional::stream)
            .findFirst()
            .orElse("not known for " + runbook);
    String detail =
        "run "
            + runId
            + " is stopped by an incident at "
            + step
            + ": "
            + message
            + ". No operator decision is offered there; an administrator must retry or repair it in"
            + " Cockpit. Site now: "
            + String.join("; ", List.of(site.split("\n")));
    LOG.warn("Incident alarm: {}", detail);
    opsLog.record(
        new OpsEvent(
            Instant.now(), OpsEvent.Kind.ESCALATION, runbook, runId, null, null, null, detail));
  }
}
