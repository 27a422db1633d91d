package org.switchman.infra.etcd;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.switchman.infra.Mutations;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.Mutation;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.ConcurrentChangeException;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.Versioned;

/**
 * {@link Conftool} on etcd's v3 API with JSON values in conftool's layout. Writes change only the
 * fields they are about (other fields and their order are kept), are compare-and-set on the mod
 * revision that was read, go through {@link Mutations}, and are read back. A write whose answer
 * does not come back in time may have been applied ({@code UNKNOWN}); the choke point reads such a
 * write back through {@link #observe}, which compares the key with the value the write set.
 */
public class EtcdConftool implements Conftool {

  static final String ROOT = "/conftool/v1";
  private static final String MASTER_DC = ROOT + "/mediawiki-config/common/WMFMasterDatacenter";

  private final EtcdStore etcd;
  private final Mutations mutations;
  private final ObjectMapper json = new ObjectMapper();

  public EtcdConftool(EtcdStore etcd, Mutations mutations) {
    this.etcd = etcd;
    this.mutations = mutations;
    mutations.probe(Mutation.Kind.ETCD_WRITE, this::observe);
  }

  /**
   * Whether a journaled write ({@code set KEY BEFORE -> AFTER}) is in effect: the key holds the
   * value it set (as JSON, so key order and spacing do not matter).
   */
  Mutations.Observation observe(Mutation write, Instant since) {
    String prefix = "set " + write.target() + " ";
    if (!write.action().startsWith(prefix)) {
      return Mutations.Observation.noTrace("not an etcd write of this adapter: " + write.action());
    }
    JsonNode wanted = valueSet(write.action().substring(prefix.length()));
    Optional<EtcdStore.Entry> now = etcd.get(write.target());
    String holds = now.map(EtcdStore.Entry::value).orElse("nothing");
    boolean applied =
        now.isPresent() && wanted != null && wanted.equals(parseText(now.get().value()));
    return applied
        ? Mutations.Observation.applied(write.target() + " holds " + holds)
        : Mutations.Observation.notApplied(write.target() + " holds " + holds + ", not " + wanted);
  }

  /** The value after {@code ->} in {@code BEFORE -> AFTER}, where both are JSON documents. */
  private JsonNode valueSet(String change) {
    try (JsonParser parser = json.getFactory().createParser(change)) {
      parser.readValueAsTree();
      int end = (int) parser.currentLocation().getCharOffset();
      String rest = change.substring(end);
      if (!rest.startsWith(" -> ")) {
        return null;
      }
      return json.readTree(rest.substring(4));
    } catch (IOException e) {
      return null;
    }
  }

  static String poolKey(String dc, String cluster, String service, String host) {
    return ROOT + "/pools/" + dc + "/" + cluster + "/" + service + "/" + host;
  }

  static String discoveryKey(String service, String dc) {
    return ROOT + "/discovery/" + service + "/" + dc;
  }

  static String readOnlyKey(String dc) {
    return ROOT + "/mediawiki-config/" + dc + "/ReadOnly";
  }

  @Override
  public Optional<Versioned<PoolEntry>> poolEntry(
      String dc, String cluster, String service, String host) {
    return etcd.get(poolKey(dc, cluster, service, host)).map(this::poolEntry);
  }

  @Override
  public List<Versioned<PoolEntry>> pool(String dc, String cluster, String service) {
    return etcd.prefix(ROOT + "/pools/" + dc + "/" + cluster + "/" + service + "/").stream()
        .map(this::poolEntry)
        .toList();
  }

  @Override
  public List<Versioned<PoolEntry>> cluster(String dc, String cluster) {
    return etcd.prefix(ROOT + "/pools/" + dc + "/" + cluster + "/").stream()
        .map(this::poolEntry)
        .toList();
  }

  @Override
  public List<Versioned<PoolEntry>> datacenter(String dc) {
    return etcd.prefix(ROOT + "/pools/" + dc + "/").stream().map(this::poolEntry).toList();
  }

  private Versioned<PoolEntry> poolEntry(EtcdStore.Entry entry) {
    String[] parts = entry.key().substring((ROOT + "/pools/").length()).split("/");
    JsonNode value = parse(entry);
    return new Versioned<>(
        new PoolEntry(
            parts[0],
            parts[1],
            parts[2],
            parts[3],
            value.path("pooled").asText(),
            value.path("weight").asInt()),
        entry.modRevision());
  }

  @Override
  public MutationOutcome setPoolEntry(
      RunContext run, Versioned<PoolEntry> current, String pooled, int weight) {
    if (!List.of("yes", "no", "inactive").contains(pooled)) {
      throw new IllegalArgumentException(
          "pooled must be yes, no or inactive, not '" + pooled + "'");
    }
    PoolEntry entry = current.value();
    return write(
        run,
        poolKey(entry.dc(), entry.cluster(), entry.service(), entry.host()),
        entry.dc(),
        current.revision(),
        node -> node.put("pooled", pooled).put("weight", weight));
  }

  @Override
  public Optional<Versioned<DiscoveryState>> discovery(String service, String dc) {
    return etcd.get(discoveryKey(service, dc)).map(this::discoveryState);
  }

  @Override
  public List<Versioned<DiscoveryState>> discoveryObjects() {
    return etcd.prefix(ROOT + "/discovery/").stream().map(this::discoveryState).toList();
  }

  private Versioned<DiscoveryState> discoveryState(EtcdStore.Entry entry) {
    String[] parts = entry.key().substring((ROOT + "/discovery/").length()).split("/");
    JsonNode value = parse(entry);
    return new Versioned<>(
        new DiscoveryState(
            parts[0], parts[1], value.path("pooled").asBoolean(), value.path("ttl").asInt()),
        entry.modRevision());
  }

  @Override
  public MutationOutcome setDiscovery(
      RunContext run, Versioned<DiscoveryState> current, boolean pooled, int ttl) {
    DiscoveryState state = current.value();
    return write(
        run,
        discoveryKey(state.service(), state.dc()),
        state.dc(),
        current.revision(),
        node -> node.put("pooled", pooled).put("ttl", ttl));
  }

  @Override
  public Versioned<String> masterDatacenter() {
    EtcdStore.Entry entry = required(MASTER_DC);
    return new Versioned<>(parse(entry).path("val").asText(), entry.modRevision());
  }

  /** A global change: in live-test it counts as aimed at the datacenter that is master now. */
  @Override
  public MutationOutcome setMasterDatacenter(RunContext run, Versioned<String> current, String dc) {
    return write(run, MASTER_DC, current.value(), current.revision(), node -> node.put("val", dc));
  }

  @Override
  public Versioned<Optional<String>> readOnly(String dc) {
    EtcdStore.Entry entry = required(readOnlyKey(dc));
    JsonNode val = parse(entry).path("val");
    Optional<String> reason = val.isTextual() ? Optional.of(val.asText()) : Optional.empty();
    return new Versioned<>(reason, entry.modRevision());
  }

  @Override
  public MutationOutcome setReadOnly(
      RunContext run, String dc, Versioned<Optional<String>> current, Optional<String> reason) {
    return write(
        run,
        readOnlyKey(dc),
        dc,
        current.revision(),
        node -> {
          if (reason.isPresent()) {
            node.put("val", reason.get());
          } else {
            node.put("val", false);
          }
        });
  }

  private MutationOutcome write(
      RunContext run, String key, String dc, long revision, Consumer<ObjectNode> change) {
    EtcdStore.Entry before = required(key);
    if (before.modRevision() != revision) {
      throw new ConcurrentChangeException(key, revision, before.modRevision());
    }
    ObjectNode node = (ObjectNode) parse(before).deepCopy();
    change.accept(node);
    String after = text(node);
    Mutation mutation =
        new Mutation(
            Mutation.Kind.ETCD_WRITE,
            key,
            dc,
            "set " + key + " " + before.value() + " -> " + after);
    try {
      return mutations.apply(
          run,
          mutation,
          () -> {
            Optional<EtcdStore.Entry> lost = etcd.compareAndPut(key, revision, after);
            if (lost.isPresent()) {
              throw new ConcurrentChangeException(key, revision, lost.get().modRevision());
            }
            return Mutations.Performed.of(after);
          },
          () -> {
            String stored = required(key).value();
            if (!Objects.equals(parseText(stored), node)) {
              throw new CheckFailedException(
                  "etcd-value-stuck", key + " holds " + stored + " after writing " + after);
            }
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private EtcdStore.Entry required(String key) {
    return etcd.get(key)
        .orElseThrow(
            () -> new CheckFailedException("conftool-key-exists", "conftool has no " + key));
  }

  private JsonNode parse(EtcdStore.Entry entry) {
    JsonNode node = parseText(entry.value());
    if (!node.isObject()) {
      throw new CheckFailedException(
          "conftool-value-json", entry.key() + " is not a JSON object: " + entry.value());
    }
    return node;
  }

  private JsonNode parseText(String text) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CheckFailedException("conftool-value-json", "not JSON: " + text);
    }
  }

  private String text(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
