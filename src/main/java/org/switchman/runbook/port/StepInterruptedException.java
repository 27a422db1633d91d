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

  /**
   * Waits as a step does between two looks at the world.
   *
   * @param what what the step waits for, for the message of an interruption
   * @throws StepInterruptedException when shutdown interrupts the wait; the interrupt flag is kept
   */
  public static void pause(java.time.Duration duration, String what) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepInterruptedException(what, e);
    }
  }
}
