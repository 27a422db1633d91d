package org.switchman.runbook;

/**
 * A check that failed: the world is not as the runbook needs it (replication behind, a host still
 * pooled, a value that did not stick). The message is written for the operator who decides what
 * happens next (retry, skip or abort); the process layer maps it to a BPMN error.
 */
public class CheckFailedException extends RuntimeException {

  private final String check;

  /**
   * @param check a short stable name of the check, e.g. {@code replication-caught-up}
   * @param message what is wrong, in words an operator understands
   */
  public CheckFailedException(String check, String message) {
    super(message);
    this.check = check;
  }

  public String check() {
    return check;
  }
}
