package org.switchman.process.gates;

import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;

/**
 * A start or a task completion refused for its input: a variable its form does not have, or a
 * request its runbook's checks reject. The REST API and the webapps' own API answer it with 400, as
 * they do an invalid form field; nothing is created or changed.
 */
public class RefusedInputException extends FormFieldValidationException {

  private static final long serialVersionUID = 1L;

  public RefusedInputException(String message) {
    super(null, message);
  }

  public RefusedInputException(String message, Throwable cause) {
    super(null, message, cause);
  }
}
