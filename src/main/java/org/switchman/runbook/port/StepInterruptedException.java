package org.switchman.runbook.port;

/**
 * The thread running a step was interrupted, which happens when the application stops. It is not a
 * failure of the step and never opens an operator decision: the step is retried when the
 * application runs again. Interrupted while a change waited for its answer, the change may or may
 * not have taken effect ({@link OutcomeUnknown}): the retry reads it back first.
 */
public class StepInterruptedException extends RuntimeException implements OutcomeUnknown {

  public StepInterruptedException(String what, InterruptedException cause) {
    super("interrupted by shutdown while " + what, cause);
  }
}
