package org.switchman.process.foureyes;

/**
 * An approval refused by the four-eyes rule. The message is meant for the person who tried, for
 * example "alice started this run and cannot approve it". The REST API answers it with 403.
 */
public class FourEyesViolationException extends RuntimeException {

  public FourEyesViolationException(String message) {
    super(message);
  }
}
