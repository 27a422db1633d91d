/**
 * Four-eyes on approval tasks: a parse listener attaches the rule to every approval task, the task
 * listener refuses the run's starter (and, where a process asks, an approver of an earlier gate),
 * and every approval and refusal is journaled. May depend on {@code process}, {@code
 * process.security} (the group names) and {@code audit}.
 */
package org.switchman.process.foureyes;
