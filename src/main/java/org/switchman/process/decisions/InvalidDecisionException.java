package org.switchman.process.decisions;

/** A GO/NOGO or operator decision that cannot be accepted; the task stays open. */
public class InvalidDecisionException extends RuntimeException {

  public InvalidDecisionException(String message) {
    super(message);
  }
}
