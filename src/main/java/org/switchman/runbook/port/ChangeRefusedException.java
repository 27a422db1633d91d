package org.switchman.runbook.port;

/**
 * A server answered and refused the change, and will refuse it again: a DNS update answered {@code
 * REFUSED} or {@code NOTAUTH}, a prerequisite that does not hold, a host key that does not match.
 * Retrying cannot help, so a step that meets one stops at an operator decision at once.
 */
public class ChangeRefusedException extends RuntimeException {

  public ChangeRefusedException(String message) {
    super(message);
  }

  public ChangeRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
