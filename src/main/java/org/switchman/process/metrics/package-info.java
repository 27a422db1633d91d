/**
 * Prometheus metrics of every run (runs started and ended, how long user tasks waited, failed
 * steps, escalations), attached by an engine plugin, not by the diagrams. May depend on {@code
 * process}, {@code process.opslog} and Micrometer.
 */
package org.switchman.process.metrics;
