package org.switchman.process;

import org.camunda.bpm.engine.BadUserRequestException;
import org.switchman.runbook.port.RunbookLock;

/**
 * A start refused because another run holds the runbook's lock. A refusal, not a failure: as a
 * {@link BadUserRequestException} the engine logs it at debug level instead of as an error with its
 * stack trace, and the REST API answers it with 409 and the holder (the lock's exception is its
 * cause).
 */
public class RunbookLockedException extends BadUserRequestException {

  private static final long serialVersionUID = 1L;

  public RunbookLockedException(RunbookLock.LockHeldException held) {
    super(held.getMessage(), held);
  }
}
