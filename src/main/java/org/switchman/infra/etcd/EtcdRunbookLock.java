package org.switchman.infra.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchman.runbook.port.RunbookLock;

/**
 * {@link RunbookLock} in etcd. A lock with {@code maxConcurrency} N has N slot keys {@code
 * /switchman/locks/{runbook}/{target}/slot-{i}}; taking it creates a free slot in a transaction
 * ({@code version == 0}), so two runs can never win the same slot; a lock of one slot that nobody
 * holds is taken in two round trips (the lease's grant, then the slot created in the transaction
 * that also finds no forced release of the run), as a run's start takes one per host; a lock this
 * JVM has no record of and finds held or force-released costs that grant and a revoke more. Each
 * slot key is tied to a lease that this JVM keeps alive while it holds the lock; when the holding
 * node dies, the lease and with it the lock expire after the TTL. Confirming a held lock ({@link
 * #acquire} by its run) reads its slot, and renews its lease once unless this JVM's keep-alive
 * stream heard within the last half TTL that the lease lives for at least half the TTL asked for:
 * so a step acts with at least that much of its lock ahead, and a run's keeper renews the lease
 * even where the stream gave up, without a renewal round trip on every step while the stream works.
 *
 * <p>Once a read has confirmed a slot that this JVM already kept alive, or this JVM created the
 * slot with its lease kept alive from before the create, later confirmations make no round trip at
 * all while both streams vouch for it: the keep-alive as above, and one watch per JVM on every lock
 * key, reporting every change after that read's (or create's) revision, that has not ended and has
 * seen no change to the slot since. So a run's thousand host locks cost no read each at their first
 * step or the keeper's first round. A forced release, a delete by hand or a slot taken over is such
 * a change: the next confirmation reads the slot again and finds it gone. What is given up is the
 * time an event takes to arrive (milliseconds; a read taken just before a delete has the same gap);
 * a watch that stops, or a member cut off from its leader, sends every lock back to reads until a
 * read (or a create) starts a new watch.
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

  /** The slot key of each lock this JVM keeps alive, by lock and run ({@link #lockOfRun}). */
  private final Map<String, String> slotOfRun = new ConcurrentHashMap<>();

  /** The watch on every lock key that vouches for confirmed slots; null before the first read. */
  private volatile LockWatch watch;

  /**
   * A slot this JVM keeps alive: its lease's keep-alive and what the watch saw of the key. {@code
   * confirmedAt} is the revision of the last read that found the slot this run's, under {@code
   * confirmedUnder}; {@code changedAt} the newest change the watch saw to the key.
   */
  private static final class Held {
    final long leaseId;
    final CloseableClient keepAlive;
    final KeepAlive renewals;
    final String lockOfRun;
    volatile LockWatch confirmedUnder;
    volatile long confirmedAt;
    final AtomicLong changedAt = new AtomicLong();

    Held(long leaseId, CloseableClient keepAlive, KeepAlive renewals, String lockOfRun) {
      this.leaseId = leaseId;
      this.keepAlive = keepAlive;
      this.renewals = renewals;
      this.lockOfRun = lockOfRun;
    }

    /** Whether the keep-alive heard lately that the lease lives at least half of {@code ttl}. */
    boolean livesHalfOf(Duration ttl) {
      return renewals.livesFor() >= ttl.toNanos() / 2;
    }
  }

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
    String lockOfRun = lockOfRun(runbook, target, holder.runId());
    if (vouchedFor(lockOfRun, ttl)) {
      return false;
    }
    // what this JVM kept alive before the read: only that can the watch vouch for after it
    String keptKey = slotOfRun.get(lockOfRun);
    if (keptKey == null && maxConcurrency == 1 && takeFree(runbook, target, holder, ttl)) {
      return true;
    }
    Held keptBefore = keptKey == null ? null : held.get(keptKey);
    EtcdStore.Listing read = etcd.listing(prefix(runbook, target));
    Optional<EtcdStore.Entry> mine = mine(read.entries(), holder.runId());
    if (mine.isPresent()) {
      // held already; after a restart this JVM takes over renewing the lease
      EtcdStore.Entry slot = mine.get();
      if (slot.lease() != 0) {
        Held known = held.get(slot.key());
        if (known == null || known.leaseId != slot.lease()) {
          keepAlive(slot.key(), slot.lease(), lockOfRun);
        } else {
          if (known == keptBefore) {
            // kept alive here since before this read: the watch vouches for it from now on
            confirmedAt(known, read.revision());
          }
          if (known.livesHalfOf(ttl)) {
            return false;
          }
        }
        etcd.await(etcd.client().getLeaseClient().keepAliveOnce(slot.lease()), "renew a lease");
      }
      return false;
    }
    if (etcd.get(revokedKey(runbook, target, holder.runId())).isPresent()) {
      throw new LockRevokedException(runbook, target, holder.runId(), holders(runbook, target));
    }
    long lease = grant(ttl);
    String value = text(holder);
    for (int slot = 0; slot < maxConcurrency; slot++) {
      String key = prefix(runbook, target) + "slot-" + slot;
      if (etcd.createWithLease(key, value, lease)) {
        keepAlive(key, lease, lockOfRun);
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
    revoke(lease);
    if (slotOf(runbook, target, holder.runId()).isPresent()) {
      // the same run took it meanwhile on another thread (its keeper or a parallel step)
      return false;
    }
    throw new LockHeldException(runbook, target, holders(runbook, target));
  }

  /**
   * Takes a lock of one slot that nobody holds and that was not force-released from the run, in a
   * lease's grant and one transaction; the common case of a run's start, which takes a lock per
   * host. A lock of one slot only ever has {@code slot-0}. When the slot is held (by this run from
   * another node or from before a restart, or by another run) or the run's lock was force-released,
   * the unused lease is revoked (or left to expire if etcd does not answer) and {@link #acquire}'s
   * reads decide; a failure to grant or to commit reaches the caller.
   *
   * @return whether the lock was taken now
   */
  private boolean takeFree(String runbook, String target, Holder holder, Duration ttl) {
    long lease = grant(ttl);
    String key = prefix(runbook, target) + "slot-0";
    String lockOfRun = lockOfRun(runbook, target, holder.runId());
    // kept alive before the create, when this JVM keeps nothing under the key: so the watch notes
    // every change to the slot from its creation on, and vouches for it from the first step on
    Held early = keptAliveIfNothingIs(key, lease, lockOfRun);
    long createdAt;
    try {
      createdAt =
          etcd.createdWithLeaseAt(
              key, text(holder), lease, revokedKey(runbook, target, holder.runId()));
    } catch (RuntimeException unanswered) {
      // the key may have been created all the same: it is left with its lease, which nobody
      // renews and which expires with it, unless another attempt of the run found the slot
      // meanwhile and renews it (revoking it here would take the lock from that one)
      forget(key, early);
      throw unanswered;
    }
    if (createdAt == 0) {
      forget(key, early);
      try {
        revoke(lease);
      } catch (RuntimeException unanswered) {
        LOG.debug("Unused lease {} left to expire: {}", lease, unanswered.getMessage());
      }
      return false;
    }
    if (early == null) {
      keepAlive(key, lease, lockOfRun);
    } else {
      confirmedAt(early, createdAt);
    }
    LOG.info(
        "Lock {} on {} taken by run {} of {} (slot 0)",
        runbook,
        target,
        holder.runId(),
        holder.user());
    return true;
  }

  private long grant(Duration ttl) {
    return etcd.await(
            etcd.client().getLeaseClient().grant(Math.max(2, ttl.toSeconds())), "grant a lease")
        .getID();
  }

  private void revoke(long lease) {
    etcd.await(etcd.client().getLeaseClient().revoke(lease), "revoke a lease");
  }

  @Override
  public void release(String runbook, String target, String runId) {
    Optional<EtcdStore.Entry> slot = slotOf(runbook, target, runId);
    if (slot.isEmpty()) {
      return;
    }
    Held mine = held.remove(slot.get().key());
    if (mine != null) {
      slotOfRun.remove(mine.lockOfRun, slot.get().key());
      mine.keepAlive.close();
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
      revoke(slot.get().lease());
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

  @Override
  public List<Revocation> revocations() {
    List<Revocation> revocations = new ArrayList<>();
    for (EtcdStore.Entry entry : etcd.prefix(REVOKED)) {
      // {runbook}/{target}/{runId}: a runbook is a process key and a run a process instance id,
      // neither with a slash; a target may have one (eqiad/appserver)
      String path = entry.key().substring(REVOKED.length());
      int first = path.indexOf('/');
      int last = path.lastIndexOf('/');
      if (first > 0 && last > first + 1 && last < path.length() - 1) {
        revocations.add(
            new Revocation(
                path.substring(0, first),
                path.substring(first + 1, last),
                path.substring(last + 1)));
      } else {
        LOG.warn("Not a forced release: {}", entry.key());
      }
    }
    return revocations;
  }

  private static String revokedKey(String runbook, String target, String runId) {
    return REVOKED + runbook + "/" + target + "/" + runId;
  }

  /** Renews the lease from this JVM, replacing a stream an earlier lease of the key had. */
  private void keepAlive(String key, long lease, String lockOfRun) {
    Held before = held.put(key, renewing(key, lease, lockOfRun));
    slotOfRun.put(lockOfRun, key);
    if (before != null) {
      before.keepAlive.close();
      if (!before.lockOfRun.equals(lockOfRun)) {
        // the slot lapsed from that run and another took it: nothing here vouches for that run
        slotOfRun.remove(before.lockOfRun, key);
      }
    }
  }

  /**
   * Renews the lease from this JVM under {@code key} when this JVM keeps nothing under it; {@code
   * null} when it does.
   */
  private Held keptAliveIfNothingIs(String key, long lease, String lockOfRun) {
    if (held.containsKey(key)) {
      return null;
    }
    Held fresh = renewing(key, lease, lockOfRun);
    if (held.putIfAbsent(key, fresh) != null) {
      fresh.keepAlive.close();
      return null;
    }
    slotOfRun.put(lockOfRun, key);
    return fresh;
  }

  /** A slot whose lease this JVM starts renewing now, through a keep-alive stream of its own. */
  private Held renewing(String key, long lease, String lockOfRun) {
    KeepAlive renewals = new KeepAlive(key);
    return new Held(
        lease, etcd.client().getLeaseClient().keepAlive(lease, renewals), renewals, lockOfRun);
  }

  /** Stops renewing a lease kept alive for a slot that was not taken after all. */
  private void forget(String key, Held early) {
    if (early != null && held.remove(key, early)) {
      slotOfRun.remove(early.lockOfRun, key);
      early.keepAlive.close();
    }
  }

  /**
   * The slot was found (or made) the run's at {@code revision}: the watch vouches for it from now
   * on, if it reports every change after that revision. A watch started after a later read does
   * not, and the next confirmation reads again.
   */
  private void confirmedAt(Held known, long revision) {
    LockWatch covering = watchFrom(revision);
    if (covering.from <= revision + 1) {
      known.confirmedUnder = covering;
      known.confirmedAt = revision;
    }
  }

  private static String lockOfRun(String runbook, String target, String runId) {
    return prefix(runbook, target) + "\n" + runId;
  }

  /**
   * Whether the run's slot is confirmed without a read: a read found it the run's since this JVM
   * kept it alive for the run, under the watch still running, which has seen no change to it since;
   * and the keep-alive promises at least half the TTL.
   */
  private boolean vouchedFor(String lockOfRun, Duration ttl) {
    String key = slotOfRun.get(lockOfRun);
    Held known = key == null ? null : held.get(key);
    LockWatch current = watch;
    return known != null
        && known.lockOfRun.equals(lockOfRun)
        && current != null
        && !current.ended
        && known.confirmedUnder == current
        && known.changedAt.get() <= known.confirmedAt
        && known.livesHalfOf(ttl);
  }

  /**
   * The watch on every lock key, started just after {@code revision} if none runs: so it has seen,
   * or will see, every change after a read at that revision.
   */
  private synchronized LockWatch watchFrom(long revision) {
    LockWatch current = watch;
    if (current != null && !current.ended) {
      return current;
    }
    if (current != null) {
      current.close();
    }
    LockWatch started = new LockWatch(revision + 1);
    try {
      started.stop = etcd.watchPrefix(ROOT, started.from, started::changed, started::ended);
    } catch (RuntimeException e) {
      LOG.warn(
          "The watch on the lock keys did not start ({}); held locks are read before each step",
          e.getMessage());
      started.ended = true;
    }
    watch = started;
    return started;
  }

  /** One watch on every lock key: it notes each change to a slot this JVM keeps alive. */
  private final class LockWatch {
    /** The first revision whose changes it reports. */
    final long from;

    volatile boolean ended;
    volatile AutoCloseable stop;

    LockWatch(long from) {
      this.from = from;
    }

    void changed(String key, long revision) {
      Held known = held.get(key);
      if (known != null) {
        known.changedAt.accumulateAndGet(revision, Math::max);
      }
    }

    void ended(Throwable why) {
      ended = true;
      if (why != null) {
        LOG.warn(
            "The watch on the lock keys ended ({}); held locks are read before each step until a"
                + " read starts it again",
            why.getMessage());
      }
    }

    void close() {
      ended = true;
      AutoCloseable stopping = stop;
      if (stopping != null) {
        try {
          stopping.close();
        } catch (Exception e) {
          LOG.debug("Closing the watch on the lock keys: {}", e.getMessage());
        }
      }
    }
  }

  @Override
  public List<Holder> holders(String runbook, String target) {
    return etcd.prefix(prefix(runbook, target)).stream().map(this::holder).toList();
  }

  /**
   * {@inheritDoc}
   *
   * <p>One read of every lock key, then each lease's time to live, asked for all leases at once (a
   * rolling restart of a thousand hosts holds a thousand locks, each with a lease of its own).
   */
  @Override
  public List<HeldLock> locks() {
    List<EtcdStore.Entry> entries = etcd.prefix(ROOT);
    Map<Long, CompletableFuture<LeaseTimeToLiveResponse>> leases = new HashMap<>();
    for (EtcdStore.Entry entry : entries) {
      if (entry.lease() != 0) {
        leases.computeIfAbsent(
            entry.lease(),
            lease ->
                etcd.client().getLeaseClient().timeToLive(lease, LeaseOption.builder().build()));
      }
    }
    List<HeldLock> locks = new ArrayList<>();
    for (EtcdStore.Entry entry : entries) {
      String[] parts = entry.key().substring(ROOT.length()).split("/");
      long ttl =
          entry.lease() == 0 ? -1 : etcd.await(leases.get(entry.lease()), "read a lease").getTTL();
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
    return mine(etcd.prefix(prefix(runbook, target)), runId);
  }

  private Optional<EtcdStore.Entry> mine(List<EtcdStore.Entry> slots, String runId) {
    return slots.stream().filter(entry -> holder(entry).runId().equals(runId)).findFirst();
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
    held.values().forEach(h -> h.keepAlive.close());
    held.clear();
    slotOfRun.clear();
    LockWatch current = watch;
    if (current != null) {
      current.close();
    }
  }

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
