/**
 * The deployment guard: every deployment is checked before the engine parses it (no scripts, {@code
 * camunda:class}, non-allowlisted expressions, timer, message or signal start events, or
 * connectors; a decision file only as a valid service catalogue) and journaled. May depend on
 * {@code process}, its {@code decisions} and {@code foureyes} packages (the task rules a diagram
 * relies on), {@code restart} (the catalogue's check), {@code runbook.restart} and {@code audit}.
 */
package org.switchman.process.deployment;
