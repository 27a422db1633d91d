package org.switchman.runbook.port;

/**
 * A change was sent to a server that did not answer in time: it may have been applied. Still an
 * unavailable server for the step (retried, then put to an operator), but journaled as {@code
 * UNKNOWN} (see {@link OutcomeUnknown}).
 */
public class UnansweredChangeException extends InfrastructureUnavailableException
    implements OutcomeUnknown {

  public UnansweredChangeException(String message, Throwable cause) {
    super(message, cause);
  }
}
