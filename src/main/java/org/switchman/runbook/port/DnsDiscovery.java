package org.switchman.runbook.port;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;

/**
 * The discovery records {@code {service}.discovery.wmnet}. An active/passive record is a CNAME to
 * {@code {service}.svc.{dc}.wmnet.} of the active DC; an active/active record answers with the
 * service address ({@code {service}.svc.{dc}.wmnet} A) of every DC where the service is pooled.
 * Reads are plain DNS queries to the authoritative server. Updates are RFC 2136 UPDATEs signed with
 * TSIG, with a prerequisite that the record still holds the value that was read, and the record is
 * read back afterwards. A refused update (bad or missing signature, failed prerequisite) throws
 * {@link DnsUpdateRefusedException}; an unanswered server throws {@link
 * InfrastructureUnavailableException}.
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

  /**
   * The answer of an active/active record.
   *
   * @param service e.g. {@code aqs}
   * @param addresses the A records, one service address per DC that serves, sorted
   * @param ttlSeconds the records' TTL
   */
  record ServedAddresses(String service, SortedSet<String> addresses, long ttlSeconds) {
    public ServedAddresses {
      addresses = Collections.unmodifiableSortedSet(new TreeSet<>(addresses));
    }
  }

  /**
   * Reads the A records of an active/active service's record. A record without A records (or a
   * CNAME, as an active/passive record is) throws {@link
   * org.switchman.runbook.CheckFailedException} {@code discovery-record-exists}.
   */
  ServedAddresses addresses(String service);

  /** The service address of a DC: the A record of {@code {service}.svc.{dc}.wmnet}. */
  String serviceAddress(String service, String dc);

  /**
   * Replaces the A records of an active/active record with {@code addresses} (at least one),
   * keeping its TTL, and reads them back. {@code current} is the prerequisite: the update is
   * refused unless the record still holds exactly those addresses.
   */
  MutationOutcome setAddresses(RunContext run, ServedAddresses current, Set<String> addresses);

  /** The server refused an update; the message names the record and the DNS response code. */
  class DnsUpdateRefusedException extends ChangeRefusedException {
    public DnsUpdateRefusedException(String message) {
      super(message);
    }
  }
}
