package org.switchman.audit.report;

import java.time.Instant;

/**
 * The deployment a run executed: which files, deployed when and by whom, so that a report says
 * exactly what ran.
 *
 * @param id the engine's deployment id
 * @param name the deployment's name
 * @param deployedAt when it was deployed
 * @param versionTag the version tag of the run's diagram ({@code camunda:versionTag}), or {@code
 *     null} when it has none
 * @param deployedBy who deployed it, from its journal entry ({@code system} for the deployment at
 *     start), or {@code null} when the journal has no entry for it
 */
public record RunDeployment(
    String id, String name, Instant deployedAt, String versionTag, String deployedBy) {

  public RunDeployment withDeployedBy(String user) {
    return new RunDeployment(id, name, deployedAt, versionTag, user);
  }
}
