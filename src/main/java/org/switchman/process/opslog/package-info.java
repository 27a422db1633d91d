/**
 * Ops log lines for every run (its start, each phase, its end and the journal's head) and the alarm
 * for an incident, attached by an engine plugin, not by the diagrams; the sinks are behind {@link
 * org.switchman.audit.OpsLog}. May depend on {@code process} and {@code audit}.
 */
package org.switchman.process.opslog;
