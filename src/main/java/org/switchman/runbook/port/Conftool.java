package org.switchman.runbook.port;

import java.util.List;
import java.util.Optional;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;

/**
 * Conftool state in etcd (v3 API, JSON values), in conftool's own key layout:
 *
 * <ul>
 *   <li>{@code /conftool/v1/pools/{dc}/{cluster}/{service}/{host}} → {@code
 *       {"pooled":"yes","weight":10}}
 *   <li>{@code /conftool/v1/discovery/{service}/{dc}} → {@code
 *       {"pooled":true,"references":[],"ttl":300}}
 *   <li>{@code /conftool/v1/mediawiki-config/common/WMFMasterDatacenter} → {@code {"val":"eqiad"}}
 *   <li>{@code /conftool/v1/mediawiki-config/{dc}/ReadOnly} → {@code {"val":false}} or the reason
 * </ul>
 *
 * Every write is a compare-and-set on the revision that was read: a concurrent change throws {@link
 * ConcurrentChangeException} and nothing is overwritten. Writes go through the mutation choke point
 * (journal, dry-run, live-test). An unreachable etcd throws {@link
 * InfrastructureUnavailableException}.
 */
public interface Conftool {

  /** A host's entry in a pool. {@code pooled} is {@code yes}, {@code no} or {@code inactive}. */
  record PoolEntry(
      String dc, String cluster, String service, String host, String pooled, int weight) {}

  /** A discovery object: whether the service is pooled in the DC, and its DNS TTL. */
  record DiscoveryState(String service, String dc, boolean pooled, int ttl) {}

  Optional<Versioned<PoolEntry>> poolEntry(String dc, String cluster, String service, String host);

  /** Every host of a service in a cluster, in host name order. */
  List<Versioned<PoolEntry>> pool(String dc, String cluster, String service);

  /**
   * Every pool entry of a cluster in a DC, whatever its service: the cluster's hosts as conftool
   * knows them, each with one entry per service it is in.
   */
  List<Versioned<PoolEntry>> cluster(String dc, String cluster);

  /**
   * Every pool entry of a DC: each host of each cluster, one entry per service it is in, in key
   * order.
   */
  List<Versioned<PoolEntry>> datacenter(String dc);

  /**
   * Sets a host's pooled state and weight.
   *
   * @param current the entry as read, whose revision guards the write
   */
  MutationOutcome setPoolEntry(
      RunContext run, Versioned<PoolEntry> current, String pooled, int weight);

  Optional<Versioned<DiscoveryState>> discovery(String service, String dc);

  /** The discovery objects of every service, both DCs. */
  List<Versioned<DiscoveryState>> discoveryObjects();

  MutationOutcome setDiscovery(
      RunContext run, Versioned<DiscoveryState> current, boolean pooled, int ttl);

  Versioned<String> masterDatacenter();

  MutationOutcome setMasterDatacenter(RunContext run, Versioned<String> current, String dc);

  /** The ReadOnly value of a DC: empty when read-write, else the read-only reason. */
  Versioned<Optional<String>> readOnly(String dc);

  /**
   * Sets a DC's ReadOnly.
   *
   * @param reason the read-only reason shown to users, or empty to make the DC read-write
   */
  MutationOutcome setReadOnly(
      RunContext run, String dc, Versioned<Optional<String>> current, Optional<String> reason);
}
