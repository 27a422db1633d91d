package org.switchman.runbook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.switchman.runbook.port.DnsDiscovery;

/**
 * Discovery records in memory, with the server's prerequisite rule (an update of a record that no
 * longer holds what was read is refused), for unit tests of domain services.
 */
public class FakeDns implements DnsDiscovery {

  public final Map<String, DiscoveryRecord> records = new HashMap<>();
  public final Map<String, ServedAddresses> served = new HashMap<>();
  public final List<String> updates = new ArrayList<>();

  /** {@code 10.2.2.N} in eqiad, {@code 10.2.1.N} in codfw, {@code 10.2.9.N} elsewhere. */
  @Override
  public String serviceAddress(String service, String dc) {
    String net = dc.equals("eqiad") ? "10.2.2." : dc.equals("codfw") ? "10.2.1." : "10.2.9.";
    return net + (1 + Math.floorMod(service.hashCode(), 200));
  }

  @Override
  public DiscoveryRecord read(String service) {
    DiscoveryRecord record = records.get(service);
    if (record == null) {
      throw new CheckFailedException("discovery-record-exists", service + " has no CNAME");
    }
    return record;
  }

  @Override
  public MutationOutcome setTtl(RunContext run, DiscoveryRecord current, long ttlSeconds) {
    return change(
        run,
        current.equals(records.get(current.service())),
        current.service() + " ttl " + ttlSeconds,
        () ->
            records.put(
                current.service(),
                new DiscoveryRecord(current.service(), current.target(), ttlSeconds)));
  }

  @Override
  public MutationOutcome setTarget(RunContext run, DiscoveryRecord current, String target) {
    return change(
        run,
        current.equals(records.get(current.service())),
        current.service() + " CNAME " + target,
        () ->
            records.put(
                current.service(),
                new DiscoveryRecord(current.service(), target, current.ttlSeconds())));
  }

  @Override
  public ServedAddresses addresses(String service) {
    ServedAddresses addresses = served.get(service);
    if (addresses == null) {
      throw new CheckFailedException("discovery-record-exists", service + " has no A records");
    }
    return addresses;
  }

  @Override
  public MutationOutcome setAddresses(RunContext run, ServedAddresses current, Set<String> to) {
    return change(
        run,
        current.equals(served.get(current.service())),
        current.service() + " A " + String.join(" ", new TreeSet<>(to)),
        () ->
            served.put(
                current.service(),
                new ServedAddresses(current.service(), new TreeSet<>(to), current.ttlSeconds())));
  }

  private MutationOutcome change(
      RunContext run, boolean prerequisiteHolds, String update, Runnable apply) {
    if (run.mode() == ExecutionMode.DRY_RUN) {
      updates.add("would: " + update);
      return MutationOutcome.WOULD;
    }
    if (!prerequisiteHolds) {
      throw new DnsUpdateRefusedException("prerequisite failed: " + update);
    }
    apply.run();
    updates.add(update);
    return MutationOutcome.PERFORMED;
  }
}
