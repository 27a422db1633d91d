/**
 * The restart runbooks' glue to Camunda: {@code rolling-restart}'s start rule and delegates, thin
 * calls of {@link org.switchman.runbook.restart.HostRestart} that share {@link
 * org.switchman.process.restart.RestartSteps} (the run's frozen request, plan and per-host
 * records), and {@link org.switchman.process.restart.ServiceCatalogueTable}, which reads the
 * service catalogue's decision table ({@code processes/service-catalogue.dmn}) into the domain's
 * {@link org.switchman.runbook.restart.ServiceCatalogue}. May depend on {@code runbook}, {@code
 * process}, {@code process.steps}, {@code config} and Camunda; the rules themselves live in {@code
 * runbook.restart}.
 */
package org.switchman.process.restart;
