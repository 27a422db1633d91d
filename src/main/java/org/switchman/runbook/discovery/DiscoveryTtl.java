package org.switchman.runbook.discovery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.Versioned;

/**
 * Lowering and restoring the TTL of discovery records around a switch (switchover phases 0 and 9):
 * the TTL is read from DNS, lowered in conftool's discovery objects and in DNS, and the run must
 * then wait at least the <em>old</em> TTL before relying on clients having seen the short one.
 */
public final class DiscoveryTtl {

  private final DnsDiscovery dns;
  private final Conftool conftool;

  public DiscoveryTtl(DnsDiscovery dns, Conftool conftool) {
    this.dns = dns;
    this.conftool = conftool;
  }

  /**
   * Lowers the TTL of each service's record to {@code reducedTtl} and returns the TTLs read from
   * DNS before the change, in the order given.
   *
   * <p>Idempotent: a record already at or below {@code reducedTtl} is left alone, and its entry in
   * the result is {@code ttlIfAlreadyReduced} (a resumed run cannot see the old TTL any more; the
   * caller keeps the first result). In dry-run the changes are journaled, not made, and the result
   * holds the TTLs read.
   *
   * @param services discovery service names, e.g. {@code appservers-rw}
   * @param reducedTtl the short TTL, 10 s in production
   * @param ttlIfAlreadyReduced what to report for a record found already reduced (300 in
   *     production)
   */
  public Map<String, Long> reduce(
      RunContext run, List<String> services, long reducedTtl, long ttlIfAlreadyReduced) {
    return reduce(run, services, reducedTtl, ttlIfAlreadyReduced, (service, old) -> {});
  }

  /**
   * {@link #reduce(RunContext, List, long, long)}, telling {@code beforeReducing} each record's TTL
   * as read, before the first change of that record.
   */
  public Map<String, Long> reduce(
      RunContext run,
      List<String> services,
      long reducedTtl,
      long ttlIfAlreadyReduced,
      BiConsumer<String, Long> beforeReducing) {
    Map<String, Long> oldTtls = new LinkedHashMap<>();
    for (String service : services) {
      DnsDiscovery.DiscoveryRecord record = dns.read(service);
      if (record.ttlSeconds() <= reducedTtl) {
        oldTtls.put(service, ttlIfAlreadyReduced);
        continue;
      }
      oldTtls.put(service, record.ttlSeconds());
      beforeReducing.accept(service, record.ttlSeconds());
      setConftoolTtl(run, service, reducedTtl);
      dns.setTtl(run, record, reducedTtl);
    }
    return oldTtls;
  }

  /**
   * Sets each service's TTL back to the value given (the result of {@link #reduce}). Idempotent: a
   * record already at its TTL is left alone.
   */
  public void restore(RunContext run, Map<String, Long> ttls) {
    ttls.forEach(
        (service, ttl) -> {
          DnsDiscovery.DiscoveryRecord record = dns.read(service);
          setConftoolTtl(run, service, ttl);
          if (record.ttlSeconds() != ttl) {
            dns.setTtl(run, record, ttl);
          }
        });
  }

  /** The longest of the TTLs: how long the run must wait after lowering them. */
  public static long longest(Map<String, Long> ttls) {
    return ttls.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }

  private void setConftoolTtl(RunContext run, String service, long ttl) {
    for (Versioned<Conftool.DiscoveryState> state : conftool.discoveryObjects()) {
      if (state.value().service().equals(service) && state.value().ttl() != ttl) {
        conftool.setDiscovery(run, state, state.value().pooled(), Math.toIntExact(ttl));
      }
    }
  }
}
