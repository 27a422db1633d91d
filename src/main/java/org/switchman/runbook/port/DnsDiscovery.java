package org.switchman.runbook.port;

import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;

/**
 * The discovery records {@code {service}.discovery.wmnet}: CNAMEs to {@code
 * {service}.svc.{dc}.wmnet.} of the active DC. Reads are plain DNS queries to the authoritative
 * server. Updates are RFC 2136 UPDATEs signed with TSIG, with a prerequisite that the record still
 * holds the value that was read, and the record is read back afterwards. A refused update (bad or
 * missing signature, failed prerequisite) throws {@link DnsUpdateRefusedException}; an unanswered
 * server throws {@link InfrastructureUnavailableException}.
 */
public interface DnsDiscovery {

  /**
   * @param service e.g. {@code appservers-rw}
   * @param target the CNAME target with its trailing dot, e.g. {@code
   *     appservers-rw.svc.eqiad.wmnet.}
   * @param ttlSeconds the record's TTL
   */
  record DiscoveryRecord(String service, String target, long ttlSeconds) {}

  /** Reads the record of a service. */
  DiscoveryRecord read(String service);

  /** Changes the TTL, keeping the target. {@code current} is the prerequisite. */
  MutationOutcome setTtl(RunContext run, DiscoveryRecord current, long ttlSeconds);

  /** Points the record at another target, keeping the TTL. {@code current} is the prerequisite. */
  MutationOutcome setTarget(RunContext run, DiscoveryRecord current, String target);

  /** The server refused an update; the message names the record and the DNS response code. */
  class DnsUpdateRefusedException extends ChangeRefusedException {
    public DnsUpdateRefusedException(String message) {
      super(message);
    }
  }
}
