package org.switchman.runbook;

import java.util.Objects;

/**
 * One intended change of the outside world, described exactly enough for an auditor to repeat it.
 *
 * @param kind what is changed: an SSH command, an etcd key, a DNS record, SQL on a database
 * @param target the host, key, record or server that changes
 * @param datacenter the datacenter the change lands in, or {@code null} when it spans none;
 *     live-test uses it to protect the active datacenter
 * @param action the exact command, key/value change, DNS update or SQL statement
 */
public record Mutation(Kind kind, String target, String datacenter, String action) {

  /** What a mutation changes. */
  public enum Kind {
    SSH_COMMAND,
    ETCD_WRITE,
    DNS_UPDATE,
    SQL
  }

  public Mutation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(action, "action");
  }
}
