/**
 * The engine-side gates: {@link org.switchman.process.gates.GateGuard} refuses, to everyone but
 * {@code camunda-admin}, the commands that would skip a gate, a check or a lock; form fields limit
 * what a start or a task completion may carry; what administrators do to runs is journaled. May
 * depend on {@code process}, {@code process.security} and {@code audit}.
 */
package org.switchman.process.gates;
