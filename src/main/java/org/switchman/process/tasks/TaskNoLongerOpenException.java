package org.switchman.process.tasks;

import org.camunda.bpm.engine.ProcessEngineException;

/**
 * A completion of a task that someone else completed first, or that the run closed meanwhile (an
 * expiry, an abort, a cancellation). Nothing of the late completion was recorded. The REST API
 * answers it with 409 and its message, which names who completed the task and when.
 */
public class TaskNoLongerOpenException extends ProcessEngineException {

  private static final long serialVersionUID = 1L;

  public TaskNoLongerOpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
