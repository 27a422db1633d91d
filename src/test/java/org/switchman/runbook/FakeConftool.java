package org.switchman.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.switchman.runbook.port.ConcurrentChangeException;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.Versioned;

/** Conftool in memory with etcd's revision rules, for unit tests of domain services. */
public class FakeConftool implements Conftool {

  private final Map<String, Versioned<Object>> keys = new TreeMap<>();
  private long revision = 1;
  public final List<String> writes = new ArrayList<>();

  public void putPool(PoolEntry entry) {
    keys.put(
        poolKey(entry.dc(), entry.cluster(), entry.service(), entry.host()),
        new Versioned<>(entry, ++revision));
  }

  public void putDiscovery(DiscoveryState state) {
    keys.put("discovery/" + state.service() + "/" + state.dc(), new Versioned<>(state, ++revision));
  }

  private static String poolKey(String dc, String cluster, String service, String host) {
    return "pools/" + dc + "/" + cluster + "/" + service + "/" + host;
  }

  @SuppressWarnings("unchecked")
  private <T> Optional<Versioned<T>> get(String key) {
    return Optional.ofNullable((Versioned<T>) (Versioned<?>) keys.get(key));
  }

  private void write(RunContext run, String key, long expected, Object value) {
    if (run.mode() == ExecutionMode.DRY_RUN) {
      writes.add("would: " + key);
      return;
    }
    long actual = keys.get(key).revision();
    if (actual != expected) {
      throw new ConcurrentChangeException(key, expected, actual);
    }
    keys.put(key, new Versioned<>(value, ++revision));
    writes.add(key);
  }

  @Override
  public Optional<Versioned<PoolEntry>> poolEntry(
      String dc, String cluster, String service, String host) {
    return get(poolKey(dc, cluster, service, host));
  }

  @Override
  public List<Versioned<PoolEntry>> pool(String dc, String cluster, String service) {
    return under("pools/" + dc + "/" + cluster + "/" + service + "/");
  }

  @Override
  public List<Versioned<PoolEntry>> cluster(String dc, String cluster) {
    return under("pools/" + dc + "/" + cluster + "/");
  }

  @Override
  public List<Versioned<PoolEntry>> datacenter(String dc) {
    return under("pools/" + dc + "/");
  }

  private List<Versioned<PoolEntry>> under(String prefix) {
    List<Versioned<PoolEntry>> entries = new ArrayList<>();
    keys.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            entries.add(this.<PoolEntry>get(key).orElseThrow());
          }
        });
    return entries;
  }

  @Override
  public MutationOutcome setPoolEntry(
      RunContext run, Versioned<PoolEntry> current, String pooled, int weight) {
    PoolEntry e = current.value();
    write(
        run,
        poolKey(e.dc(), e.cluster(), e.service(), e.host()),
        current.revision(),
        new PoolEntry(e.dc(), e.cluster(), e.service(), e.host(), pooled, weight));
    return run.mode() == ExecutionMode.DRY_RUN ? MutationOutcome.WOULD : MutationOutcome.PERFORMED;
  }

  @Override
  public Optional<Versioned<DiscoveryState>> discovery(String service, String dc) {
    return get("discovery/" + service + "/" + dc);
  }

  @Override
  public List<Versioned<DiscoveryState>> discoveryObjects() {
    List<Versioned<DiscoveryState>> all = new ArrayList<>();
    keys.keySet().stream()
        .filter(k -> k.startsWith("discovery/"))
        .forEach(k -> all.add(this.<DiscoveryState>get(k).orElseThrow()));
    return all;
  }

  @Override
  public MutationOutcome setDiscovery(
      RunContext run, Versioned<DiscoveryState> current, boolean pooled, int ttl) {
    DiscoveryState s = current.value();
    write(
        run,
        "discovery/" + s.service() + "/" + s.dc(),
        current.revision(),
        new DiscoveryState(s.service(), s.dc(), pooled, ttl));
    return run.mode() == ExecutionMode.DRY_RUN ? MutationOutcome.WOULD : MutationOutcome.PERFORMED;
  }

  @Override
  public Versioned<String> masterDatacenter() {
    throw new UnsupportedOperationException();
  }

  @Override
  public MutationOutcome setMasterDatacenter(RunContext run, Versioned<String> current, String dc) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Versioned<Optional<String>> readOnly(String dc) {
    throw new UnsupportedOperationException();
  }

  @Override
  public MutationOutcome setReadOnly(
      RunContext run, String dc, Versioned<Optional<String>> current, Optional<String> reason) {
    throw new UnsupportedOperationException();
  }
}
