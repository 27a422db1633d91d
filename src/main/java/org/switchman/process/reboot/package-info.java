/**
 * The {@code host-reboot} runbook's glue to Camunda: its start rule and its thin delegates, which
 * share {@link org.switchman.process.reboot.RebootSteps} (the run's frozen host and profile, and
 * what the run did). Each step is idempotent and goes on where an earlier attempt stopped, so a
 * retry after an operator decision runs the steps again from the first and the finished ones do
 * nothing. May depend on {@code runbook}, {@code process}, {@code process.steps}, {@code
 * process.restart} (the catalogue), {@code audit.report}, {@code config} and Camunda; the rules
 * themselves live in {@code runbook.reboot}.
 */
package org.switchman.process.reboot;
