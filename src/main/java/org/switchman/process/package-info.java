/**
 * Engine glue, the only layer that may use Camunda: what every run gets from the engine whatever
 * its diagram says ({@link org.switchman.process.RunbookStarts} checks and freezes the request and
 * takes the runbook lock, {@link org.switchman.process.RunContexts} names the run and step for the
 * journal), with the few engine hooks in {@link org.switchman.process.EngineHooks}. Subpackages
 * hold one runbook's delegates or one engine concern each. May depend on {@code runbook}, {@code
 * audit}, {@code config}, Camunda and Spring; never on {@code infra}, {@code web} or {@code lab}:
 * adapters arrive as {@code runbook.port} beans.
 */
package org.switchman.process;
