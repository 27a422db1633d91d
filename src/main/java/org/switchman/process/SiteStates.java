package org.switchman.process;

import java.util.Optional;

/**
 * Describes, for an alarm about a run, the state of the site the run acts on, as it can be read
 * now. One implementation per family of runbooks.
 */
public interface SiteStates {

  /**
   * @param runbook the process key of the run, or of the process it called that raised the alarm
   * @param runId the run (the root process instance)
   * @return the state of the site, one part per line, or empty when the runbook is not one of this
   *     family; never throws for a server that cannot be read, it says so instead
   */
  Optional<String> describe(String runbook, String runId);
}
