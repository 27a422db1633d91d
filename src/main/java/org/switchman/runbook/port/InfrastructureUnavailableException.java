package org.switchman.runbook.port;

/**
 * A server the runbook needs does not answer (etcd down, DNS server down, database unreachable).
 * Transient: the engine retries the step per its retry cycle; when the retries are exhausted the
 * step stops at an operator decision.
 */
public class InfrastructureUnavailableException extends RuntimeException {

  public InfrastructureUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
