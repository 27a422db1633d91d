/**
 * How every runbook step runs ({@link org.switchman.process.steps.StepRunner}): the run's locks
 * held, and every way the step can fail put to an operator as the BPMN error that opens the step's
 * decision. May depend on {@code process}, {@code process.metrics}, {@code runbook} and the engine;
 * the runbooks' delegates depend on it.
 */
package org.switchman.process.steps;
