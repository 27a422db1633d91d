/**
 * The {@code discovery-datacenter} runbook's glue to Camunda: its start rule, its thin delegates
 * that share {@link org.switchman.process.discovery.DiscoverySteps} (the run's frozen plan and what
 * the run did to each service), and the listener that checks an operator's choice of site. May
 * depend on {@code runbook}, {@code process}, {@code process.steps}, {@code process.gates}, {@code
 * config} and Camunda; the rules themselves live in {@code runbook.discovery}.
 */
package org.switchman.process.discovery;
