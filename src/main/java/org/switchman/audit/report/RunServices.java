package org.switchman.audit.report;

import java.util.List;

/**
 * The services of a run that acts service by service, such as a datacenter pool or depool, or the
 * steps of a run on one host, such as a host reboot. Each implementation answers for the runs of
 * its runbook and has nothing for the others; the live view shows what they all answer.
 */
public interface RunServices {

  /** Every service of the run's plan, in plan order; empty for a run that has no services. */
  List<ServiceProgress> of(String runId);

  /** No services: for runbooks that do not act service by service. */
  RunServices NONE = runId -> List.of();
}
