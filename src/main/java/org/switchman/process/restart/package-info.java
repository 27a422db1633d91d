/**
 * The restart runbooks' glue to Camunda: {@link
 * org.switchman.process.restart.ServiceCatalogueTable} reads the service catalogue's decision table
 * ({@code processes/service-catalogue.dmn}) into the domain's {@link
 * org.switchman.runbook.restart.ServiceCatalogue}. May depend on {@code runbook} and Camunda's
 * model API; the rules themselves live in {@code runbook.restart}.
 */
package org.switchman.process.restart;
