package org.switchman.infra.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchman.runbook.port.RunbookLock;

/**
 * {@link RunbookLock} in etcd. A lock with {@code maxConcurrency} N has N slot keys {@code
 * /switchman/locks/{runbook}/{target}/slot-{i}}; taking it creates a free slot in a transaction
 * ({@code version == 0}), so two runs can never win the same slot. Each slot key is tied to a lease
 * that this JVM keeps alive while it holds the lock; when the holding node dies, the lease and with
 * it the lock expire after the TTL. Confirming a held lock ({@link #acquire} by its run) reads its
 * slot, and renews its lease once unless this JVM's keep-alive stream heard within the last half
 * TTL that the lease lives for at least half the TTL asked for: so a step acts with at least that
 * much of its lock ahead, and a run's keeper renews the lease even where the stream gave up,
 * without a renewal round trip on every step while the stream works.
 *
 * <p>A forced release leaves the key {@code /switchman/lock-revoked/{runbook}/{target}/{runId}}
 * (written before the slot is deleted, so no re-take can slip in between) until the run
 * acknowledges it.
 */
public class EtcdRunbookLock implements RunbookLock, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdRunbookLock.class);
  static final String ROOT = "/switchman/locks/";
  static final String REVOKED = "/switchman/lock-revoked/";

  private final EtcdStore etcd;
  private final ObjectMapper json = new ObjectMapper();

  /** Leases this JVM keeps alive, by slot key. */
  private final Map<String, Held> held = new ConcurrentHashMap<>();

  private record Held(long leaseId, CloseableClient keepAlive, KeepAlive renewals) {}

  private final LongSupplier nanoTime;

  public EtcdRunbookLock(EtcdStore etcd) {
    this(etcd, System::nanoTime);
  }

  /** With the monotonic clock the renewals are timed by, for tests. */
  EtcdRunbookLock(EtcdStore etcd, LongSupplier nanoTime) {
    this.etcd = etcd;
    this.nanoTime = nanoTime;
  }

  private static String prefix(String runbook, String target) {
    return ROOT + runbook + "/" + target + "/";
  }

  @Override
  public boolean acquire(
      String runbook, String target, Holder holder, int maxConcurrency, Duration ttl) {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be at least 1");
    }
    Optional<EtcdStore.Entry> mine = slotOf(runbook, target, holder.runId());
    if (mine.isPresent()) {
      // held already; after a restart this JVM takes over renewing the lease
      EtcdStore.Entry slot = mine.get();
      if (slot.lease() != 0) {
        Held known = held.get(slot.key());
        if (known == null || known.leaseId() != slot.lease()) {
          keepAlive(slot.key(), slot.lease());
        } else if (known.renewals().livesFor() >= ttl.toNanos() / 2) {
          return false;
        }
        etcd.await(etcd.client().getLeaseClient().keepAliveOnce(slot.lease()), "renew a lease");
      }
      return false;
    }
    if (etcd.get(revokedKey(runbook, target, holder.runId())).isPresent()) {
      throw new LockRevokedException(runbook, target, holder.runId(), holders(runbook, target));
    }
    long lease =
        etcd.await(
                etcd.client().getLeaseClient().grant(Math.max(2, ttl.toSeconds())), "grant a lease")
            .getID();
    String value = text(holder);
    for (int slot = 0; slot < maxConcurrency; slot++) {
      String key = prefix(runbook, target) + "slot-" + slot;
      if (etcd.createWithLease(key, value, lease)) {
        keepAlive(key, lease);
        LOG.info(
            "Lock {} on {} taken by run {} of {} (slot {})",
            runbook,
            target,
            holder.runId(),
            holder.user(),
            slot);
        return true;
      }
    }
    etcd.await(etcd.client().getLeaseClient().revoke(lease), "revoke a lease");
    if (slotOf(runbook, target, holder.runId()).isPresent()) {
      // the same run took it meanwhile on another thread (its keeper or a parallel step)
      return false;
    }
    throw new LockHeldException(runbook, target, holders(runbook, target));
  }

  @Override
  public void release(String runbook, String target, String runId) {
    Optional<EtcdStore.Entry> slot = slotOf(runbook, target, runId);
    if (slot.isEmpty()) {
      return;
    }
    Held mine = held.remove(slot.get().key());
    if (mine != null) {
      mine.keepAlive().close();
    }
    // revoking the lease deletes the key; a lease of another node is left to expire after the
    // delete. The slot is deleted only as it was read: had the lease lapsed meanwhile and another
    // run taken the slot, that run's lock stays
    if (!etcd.deleteIfUnchanged(slot.get().key(), slot.get().modRevision())) {
      LOG.warn(
          "Lock {} on {}: run {} no longer held {} when it released it; left as it is",
          runbook,
          target,
          runId,
          slot.get().key());
      return;
    }
    if (slot.get().lease() != 0) {
      etcd.await(etcd.client().getLeaseClient().revoke(slot.get().lease()), "revoke a lease");
    }
    LOG.info("Lock {} on {} released by run {}", runbook, target, runId);
  }

  @Override
  public void forceRelease(String runbook, String target, String runId) {
    etcd.put(
        revokedKey(runbook, target, runId),
        json.createObjectNode().put("at", Instant.now().toString()).toString());
    release(runbook, target, runId);
  }

  @Override
  public void forgetRevocation(String runbook, String target, String runId) {
    etcd.delete(revokedKey(runbook, target, runId));
  }

  @Override
  public List<String> revoked(String runbook, String target) {
    String prefix = REVOKED + runbook + "/" + target + "/";
    return etcd.prefix(prefix).stream()
        .map(entry -> entry.key().substring(prefix.length()))
        .toList();
  }

  private static String revokedKey(String runbook, String target, String runId) {
    return REVOKED + runbook + "/" + target + "/" + runId;
  }

  /** Renews the lease from this JVM, replacing a stream an earlier lease of the key had. */
  private void keepAlive(String key, long lease) {
    KeepAlive renewals = new KeepAlive(key);
    Held before =
        held.put(
            key,
            new Held(lease, etcd.client().getLeaseClient().keepAlive(lease, renewals), renewals));
    if (before != null) {
      before.keepAlive().close();
    }
  }

  @Override
  public List<Holder> holders(String runbook, String target) {
    return etcd.prefix(prefix(runbook, target)).stream().map(this::holder).toList();
  }

  @Override
  public List<HeldLock> locks() {
    List<HeldLock> locks = new ArrayList<>();
    for (EtcdStore.Entry entry : etcd.prefix(ROOT)) {
      String[] parts = entry.key().substring(ROOT.length()).split("/");
      long ttl =
          entry.lease() == 0
              ? -1
              : etcd.await(
                      etcd.client()
                          .getLeaseClient()
                          .timeToLive(
                              entry.lease(), io.etcd.jetcd.options.LeaseOption.builder().build()),
                      "read a lease")
                  .getTTL();
      locks.add(
          new HeldLock(
              parts[0],
              String.join("/", java.util.Arrays.copyOfRange(parts, 1, parts.length - 1)),
              holder(entry),
              Duration.ofSeconds(Math.max(ttl, 0))));
    }
    return locks;
  }

  private Optional<EtcdStore.Entry> slotOf(String runbook, String target, String runId) {
    return etcd.prefix(prefix(runbook, target)).stream()
        .filter(entry -> holder(entry).runId().equals(runId))
        .findFirst();
  }

  private Holder holder(EtcdStore.Entry entry) {
    try {
      JsonNode node = json.readTree(entry.value());
      return new Holder(
          node.path("runId").asText(),
          node.path("user").asText(),
          Instant.parse(node.path("since").asText()));
    } catch (JsonProcessingException | java.time.format.DateTimeParseException e) {
      throw new IllegalStateException(
          "Lock key " + entry.key() + " holds no holder: " + entry.value(), e);
    }
  }

  private String text(Holder holder) {
    return json.createObjectNode()
        .put("runId", holder.runId())
        .put("user", holder.user())
        .put("since", holder.since().toString())
        .toString();
  }

  /**
   * Stops renewing every lease this JVM holds, as a crash would; the locks expire after their TTL.
   */
  @Override
  public void close() {
    held.values().forEach(h -> h.keepAlive().close());
    held.clear();
  }

  /** Logs a keep-alive stream that ends. */
  /**
   * The keep-alive stream of one lease: it logs a failure, and remembers until when the last
   * renewal it heard keeps the lease alive.
   */
  private final class KeepAlive implements StreamObserver<LeaseKeepAliveResponse> {
    private final String key;
    private final long startedAt = nanoTime.getAsLong();
    private volatile long aliveUntil = startedAt;

    KeepAlive(String key) {
      this.key = key;
    }

    /** How long the lease lives at least, as far as this stream heard; 0 once that has passed. */
    long livesFor() {
      return Math.max(0, aliveUntil - nanoTime.getAsLong());
    }

    @Override
    public void onNext(LeaseKeepAliveResponse value) {
      aliveUntil = nanoTime.getAsLong() + Duration.ofSeconds(Math.max(0, value.getTTL())).toNanos();
    }

    @Override
    public void onError(Throwable t) {
      aliveUntil = startedAt;
      LOG.warn("Keep-alive of lock {} failed: {}", key, t.getMessage());
    }

    @Override
    public void onCompleted() {
      // closed
    }
  }
}
