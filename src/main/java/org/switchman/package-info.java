/**
 * Switchman: datacenter runbooks as BPMN processes on Camunda 7. This package holds only the
 * application class. The layers below it are {@code runbook} (domain and ports), {@code audit},
 * {@code config}, {@code infra} (adapters), {@code process} (engine glue), {@code web}, {@code lab}
 * and {@code crash} (crash tests only); each package says what it may depend on, and {@code
 * ArchitectureTest} and {@code CompiledDependenciesTest} check it (README, "Development").
 */
package org.switchman;
