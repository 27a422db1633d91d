package org.switchman.runbook.port;

/**
 * A server the runbook needs does not answer (etcd down, DNS server down, database unreachable).
 * Not a failed check: the engine retries the step per its retry cycle, then raises an incident.
 */
public class InfrastructureUnavailableException extends RuntimeException {

  public InfrastructureUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
