package org.switchman.lab;

/** The lab could not do what was asked; the message says what and, when it can, how to fix it. */
public class LabException extends RuntimeException {

  public LabException(String message) {
    super(message);
  }

  public LabException(String message, Throwable cause) {
    super(message, cause);
  }
}
