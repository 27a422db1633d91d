/**
 * The {@link org.switchman.audit.report.RunHistory} port read from the engine's history: the runs
 * list and each run's record. May depend on {@code process} and {@code audit.report}.
 */
package org.switchman.process.history;
