package org.switchman.audit.report;

import java.util.List;

/** The hosts of a run that acts host by host, such as a rolling restart, and where each stands. */
public interface RunHosts {

  /** Every host of the run's plan, batch after batch; empty for a run that has no hosts. */
  List<HostProgress> of(String runId);

  /** No hosts: for runbooks that do not act host by host. */
  RunHosts NONE = runId -> List.of();
}
