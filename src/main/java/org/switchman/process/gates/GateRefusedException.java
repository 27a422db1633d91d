package org.switchman.process.gates;

import org.camunda.bpm.engine.AuthorizationException;

/**
 * A command refused by {@link GateGuard}. It is an engine authorization failure, so the REST API
 * and the webapps' own API both answer 403 with its message.
 */
public class GateRefusedException extends AuthorizationException {

  private static final long serialVersionUID = 1L;

  public GateRefusedException(String message) {
    super(message);
  }
}
