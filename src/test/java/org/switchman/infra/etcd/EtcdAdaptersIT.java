package org.switchman.infra.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.switchman.audit.InMemoryJournal;
import org.switchman.audit.JournalEntry;
import org.switchman.config.EtcdProperties;
import org.switchman.infra.Mutations;
import org.switchman.lab.Cli;
import org.switchman.lab.Lab;
import org.switchman.lab.LabExtension;
import org.switchman.lab.LabFault;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.ConcurrentChangeException;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.InfrastructureUnavailableException;
import org.switchman.runbook.port.RunbookLock;
import org.switchman.runbook.port.Versioned;
import org.switchman.support.SwitchoverRuns;

/** Conftool and runbook locks against the lab's real etcd, checked with etcdctl. */
@ExtendWith(LabExtension.class)
class EtcdAdaptersIT {

  private static final String HOST = "mw2003.codfw.wmnet";
  private static final String POOL_KEY = "/conftool/v1/pools/codfw/appserver/apache2/" + HOST;

  private final Lab lab;
  private final InMemoryJournal journal = new InMemoryJournal();
  private EtcdStore store;
  private EtcdConftool conftool;
  private EtcdRunbookLock locks;

  EtcdAdaptersIT(Lab lab) {
    this.lab = lab;
  }

  private EtcdProperties settings(Duration lockTtl) {
    return new EtcdProperties(List.of(lab.etcdEndpoint()), Duration.ofSeconds(2), lockTtl);
  }

  @BeforeEach
  void connect() {
    store = new EtcdStore(settings(Duration.ofSeconds(3)));
    conftool = new EtcdConftool(store, new Mutations(journal));
    locks = new EtcdRunbookLock(store);
  }

  @AfterEach
  void close() {
    locks.close();
    store.close();
  }

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-etcd", "ServiceTask_SetPooled", "alice", mode, "eqiad");
  }

  private String etcdctl(String key) {
    return Cli.etcdctl(lab, "get", "--print-value-only", key).out().strip();
  }

  @Test
  void readsConftoolAsEtcdctlSeesIt() {
    Versioned<Conftool.PoolEntry> entry =
        conftool.poolEntry("codfw", "appserver", "apache2", HOST).orElseThrow();
    assertThat(entry.value().pooled()).isEqualTo("yes");
    assertThat(etcdctl(POOL_KEY)).contains("\"pooled\":\"yes\"");
    assertThat(conftool.pool("codfw", "appserver", "apache2"))
        .extracting(v -> v.value().host())
        .contains(HOST)
        .isSorted();
    assertThat(conftool.cluster("codfw", "appserver"))
        .extracting(v -> v.value().service() + " " + v.value().host())
        .contains("apache2 " + HOST, "nginx " + HOST)
        .allSatisfy(line -> assertThat(line).doesNotContain(".eqiad."));
    assertThat(conftool.masterDatacenter().value()).isEqualTo("eqiad");
    assertThat(conftool.readOnly("eqiad").value()).isEmpty();
    assertThat(conftool.discoveryObjects())
        .anySatisfy(
            d -> {
              assertThat(d.value().service()).isEqualTo("appservers-rw");
              assertThat(d.value().dc()).isEqualTo("eqiad");
              assertThat(d.value().pooled()).isTrue();
            });
  }

  @Test
  void writesAreCompareAndSetAndReadBack() {
    Versioned<Conftool.PoolEntry> entry =
        conftool.poolEntry("codfw", "appserver", "apache2", HOST).orElseThrow();
    try {
      assertThat(conftool.setPoolEntry(run(ExecutionMode.LIVE), entry, "no", 30))
          .isEqualTo(MutationOutcome.PERFORMED);
      assertThat(etcdctl(POOL_KEY)).contains("\"pooled\":\"no\"").contains("\"weight\":30");
      assertThat(journal.all())
          .extracting(JournalEntry::outcome)
          .containsExactly("INTENT", "PERFORMED");
      assertThat(journal.all().get(1).action())
          .startsWith("set " + POOL_KEY + " {")
          .contains("-> {\"pooled\":\"no\",\"weight\":30");

      assertThatThrownBy(() -> conftool.setPoolEntry(run(ExecutionMode.LIVE), entry, "yes", 30))
          .as("a stale revision is refused")
          .isInstanceOf(ConcurrentChangeException.class);
    } finally {
      Versioned<Conftool.PoolEntry> now =
          conftool.poolEntry("codfw", "appserver", "apache2", HOST).orElseThrow();
      conftool.setPoolEntry(run(ExecutionMode.LIVE), now, "yes", entry.value().weight());
    }
    assertThat(etcdctl(POOL_KEY)).contains("\"pooled\":\"yes\"");
  }

  @Test
  void aConcurrentChangeIsDetectedNotOverwritten() {
    Versioned<Conftool.PoolEntry> entry =
        conftool.poolEntry("codfw", "appserver", "apache2", HOST).orElseThrow();
    String original = etcdctl(POOL_KEY);
    String theirs = original.replace("\"pooled\":\"yes\"", "\"pooled\":\"inactive\"");
    assertThat(Cli.etcdctl(lab, "put", POOL_KEY, theirs).exit()).isZero();
    try {
      assertThatThrownBy(() -> conftool.setPoolEntry(run(ExecutionMode.LIVE), entry, "no", 10))
          .isInstanceOf(ConcurrentChangeException.class)
          .hasMessageContaining(POOL_KEY);
      assertThat(etcdctl(POOL_KEY)).isEqualTo(theirs);
    } finally {
      Cli.etcdctl(lab, "put", POOL_KEY, original);
    }
  }

  @Test
  void dryRunLeavesEtcdAloneAndLiveTestGuardsTheActiveDatacenter() {
    Versioned<Optional<String>> readOnly = conftool.readOnly("eqiad");
    String before = etcdctl("/conftool/v1/mediawiki-config/eqiad/ReadOnly");
    assertThat(
            conftool.setReadOnly(
                run(ExecutionMode.DRY_RUN), "eqiad", readOnly, Optional.of("switchover")))
        .isEqualTo(MutationOutcome.WOULD);
    assertThat(
            conftool.setReadOnly(
                run(ExecutionMode.LIVE_TEST), "eqiad", readOnly, Optional.of("switchover")))
        .isEqualTo(MutationOutcome.REFUSED);
    assertThat(
            conftool.setMasterDatacenter(
                run(ExecutionMode.LIVE_TEST), conftool.masterDatacenter(), "codfw"))
        .isEqualTo(MutationOutcome.REFUSED);
    assertThat(etcdctl("/conftool/v1/mediawiki-config/eqiad/ReadOnly")).isEqualTo(before);
    assertThat(etcdctl("/conftool/v1/mediawiki-config/common/WMFMasterDatacenter"))
        .contains("eqiad");
    assertThat(journal.all().get(0).action())
        .startsWith("would: set /conftool/v1/mediawiki-config/eqiad/ReadOnly")
        .endsWith("-> {\"val\":\"switchover\"}");

    Versioned<Optional<String>> codfw = conftool.readOnly("codfw");
    try {
      assertThat(
              conftool.setReadOnly(
                  run(ExecutionMode.LIVE_TEST), "codfw", codfw, Optional.of("live-test")))
          .isEqualTo(MutationOutcome.PERFORMED);
      assertThat(etcdctl("/conftool/v1/mediawiki-config/codfw/ReadOnly"))
          .isEqualTo("{\"val\":\"live-test\"}");
    } finally {
      conftool.setReadOnly(
          run(ExecutionMode.LIVE), "codfw", conftool.readOnly("codfw"), Optional.empty());
    }
    assertThat(conftool.readOnly("codfw").value()).isEmpty();
  }

  @Test
  void aWriteWhoseAnswerIsLostWhileEtcdIsFrozenIsUnknownAndTheNextAttemptReconcilesIt() {
    String key = "/conftool/v1/pools/codfw/appserver/apache2/mw2004.codfw.wmnet";
    LabFault[] paused = new LabFault[1];
    // etcd freezes after the INTENT, just before the write is sent
    Mutations freezing =
        new Mutations(journal) {
          @Override
          public MutationOutcome apply(
              RunContext run,
              org.switchman.runbook.Mutation mutation,
              Act act,
              PostCondition postCondition)
              throws Exception {
            return super.apply(
                run,
                mutation,
                () -> {
                  paused[0] =
                      lab.faults()
                          .inject(
                              new LabFault.Request(
                                  LabFault.Kind.ETCD_PAUSED, null, null, null, null, null, null));
                  return act.perform();
                },
                postCondition);
          }
        };
    EtcdConftool frozen = new EtcdConftool(store, freezing);
    Versioned<Conftool.PoolEntry> entry =
        frozen.poolEntry("codfw", "appserver", "apache2", "mw2004.codfw.wmnet").orElseThrow();
    RunContext first =
        new RunContext(
            "run-etcd-paused",
            "ServiceTask_SetPooled",
            "alice",
            ExecutionMode.LIVE,
            "eqiad",
            "ServiceTask_SetPooled:1");
    try {
      assertThatThrownBy(() -> frozen.setPoolEntry(first, entry, "no", 7))
          .isInstanceOf(org.switchman.runbook.port.UnansweredChangeException.class)
          .hasMessageContaining("may have been applied");
    } finally {
      lab.faults().clear(paused[0].id());
    }
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "UNKNOWN");

    // the next attempt of the step reads the key back before anything else
    RunContext second =
        new RunContext(
            "run-etcd-paused",
            "ServiceTask_SetPooled",
            "alice",
            ExecutionMode.LIVE,
            "eqiad",
            "ServiceTask_SetPooled:2");
    try {
      freezing.reconcile(second);
      String now = etcdctl(key);
      boolean applied = now.contains("\"pooled\":\"no\"") && now.contains("\"weight\":7");
      assertThat(journal.all())
          .extracting(JournalEntry::outcome)
          .containsExactly("INTENT", "UNKNOWN", "RECONCILED");
      JournalEntry reconciled = journal.all().get(2);
      assertThat(reconciled.output())
          .startsWith(
              (applied ? "applied" : "not-applied")
                  + "\nsettles entry 1 (INTENT) and entry 2 (UNKNOWN)\nobserved: "
                  + key
                  + " holds ");
      assertThat(reconciled.idempotencyKey()).isEqualTo(journal.all().get(0).idempotencyKey());
      assertThat(applied).as("etcd applied the write it held while frozen").isTrue();
    } finally {
      Versioned<Conftool.PoolEntry> now =
          conftool.poolEntry("codfw", "appserver", "apache2", "mw2004.codfw.wmnet").orElseThrow();
      conftool.setPoolEntry(
          run(ExecutionMode.LIVE), now, entry.value().pooled(), entry.value().weight());
    }
  }

  @Test
  void etcdDownIsReportedQuickly() {
    LabFault down =
        lab.faults()
            .inject(
                new LabFault.Request(LabFault.Kind.ETCD_DOWN, null, null, null, null, null, null));
    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> conftool.masterDatacenter())
          .isInstanceOf(InfrastructureUnavailableException.class)
          .hasMessageContaining("etcd");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    } finally {
      lab.faults().clear(down.id());
    }
  }

  @Test
  void readsWorkAgainWithinSecondsOfAPartitionHealing() throws InterruptedException {
    LabFault partition =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.ETCD_PARTITION, null, null, null, null, null, null));
    try {
      // a run keeps trying while etcd is out of reach, and gRPC's connect backoff grows meanwhile
      long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < until) {
        assertThatThrownBy(() -> conftool.masterDatacenter())
            .isInstanceOf(InfrastructureUnavailableException.class);
        Thread.sleep(1000);
      }
    } finally {
      lab.faults().clear(partition.id());
    }
    long healed = System.nanoTime();
    String master = null;
    while (master == null && System.nanoTime() - healed < Duration.ofSeconds(60).toNanos()) {
      try {
        master = conftool.masterDatacenter().value();
      } catch (InfrastructureUnavailableException stillReconnecting) {
        Thread.sleep(200);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - healed);
    System.out.println("etcd readable again " + took.toMillis() + " ms after the partition healed");
    assertThat(master).isEqualTo("eqiad");
    assertThat(took).isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void aSecondRunIsRefusedWithTheHolderAndTheSameRunMayReacquire() {
    RunbookLock.Holder first =
        new RunbookLock.Holder("run-1", "alice", Instant.parse("2026-11-25T03:00:00Z"));
    locks.acquire("dc-switchover", "mediawiki", first, 1, Duration.ofSeconds(10));
    try {
      locks.acquire("dc-switchover", "mediawiki", first, 1, Duration.ofSeconds(10));
      assertThatThrownBy(
              () ->
                  locks.acquire(
                      "dc-switchover",
                      "mediawiki",
                      new RunbookLock.Holder("run-2", "bob", Instant.now()),
                      1,
                      Duration.ofSeconds(10)))
          .isInstanceOf(RunbookLock.LockHeldException.class)
          .hasMessage(
              "dc-switchover on mediawiki is locked by run run-1 of alice since 2026-11-25T03:00:00Z");
      assertThat(locks.holders("dc-switchover", "mediawiki")).containsExactly(first);
      assertThat(locks.locks())
          .anySatisfy(
              held -> {
                assertThat(held.runbook()).isEqualTo("dc-switchover");
                assertThat(held.target()).isEqualTo("mediawiki");
                assertThat(held.ttl()).isPositive();
              });
      assertThat(Cli.etcdctl(lab, "get", "--prefix", "/switchman/locks/dc-switchover/").out())
          .contains("\"runId\":\"run-1\"");
    } finally {
      locks.release("dc-switchover", "mediawiki", "run-1");
    }
    assertThat(locks.holders("dc-switchover", "mediawiki")).isEmpty();
  }

  /** A release deletes the lock's slot as it read it, never a slot another run has taken since. */
  @Test
  void aDeleteAsReadLeavesAKeyWrittenSinceTheRead() {
    String key = "/switchman/locks/dc-switchover/mediawiki/slot-race";
    store.put(key, "{\"runId\":\"run-lapsed\"}");
    long read = store.get(key).orElseThrow().modRevision();
    store.put(key, "{\"runId\":\"run-next\"}");
    try {
      assertThat(store.deleteIfUnchanged(key, read)).isFalse();
      assertThat(store.get(key)).map(EtcdStore.Entry::value).contains("{\"runId\":\"run-next\"}");
      assertThat(store.deleteIfUnchanged(key, store.get(key).orElseThrow().modRevision())).isTrue();
      assertThat(store.get(key)).isEmpty();
    } finally {
      store.delete(key);
    }
  }

  @Test
  void aLockAdmitsUpToItsConcurrency() {
    try {
      locks.acquire(
          "rolling-restart",
          "codfw/appserver",
          new RunbookLock.Holder("r1", "alice", Instant.now()),
          2,
          Duration.ofSeconds(10));
      locks.acquire(
          "rolling-restart",
          "codfw/appserver",
          new RunbookLock.Holder("r2", "bob", Instant.now()),
          2,
          Duration.ofSeconds(10));
      assertThatThrownBy(
              () ->
                  locks.acquire(
                      "rolling-restart",
                      "codfw/appserver",
                      new RunbookLock.Holder("r3", "dave", Instant.now()),
                      2,
                      Duration.ofSeconds(10)))
          .hasMessageContaining("run r1 of alice")
          .hasMessageContaining("run r2 of bob");
    } finally {
      locks.release("rolling-restart", "codfw/appserver", "r1");
      locks.release("rolling-restart", "codfw/appserver", "r2");
    }
  }

  /**
   * A lock nobody holds is taken with a lease of its own; an attempt refused (held by another run,
   * or force-released from this one) leaves no lease behind.
   */
  @Test
  void aRefusedAttemptLeavesNoLeaseBehind() {
    RunbookLock.Holder first = new RunbookLock.Holder("run-first", "alice", Instant.now());
    RunbookLock.Holder second = new RunbookLock.Holder("run-second", "bob", Instant.now());
    Set<String> before = leases();
    try {
      assertThat(locks.acquire("host", "mw2011.codfw.wmnet", first, 1, Duration.ofSeconds(10)))
          .isTrue();
      assertThat(newLeases(before)).as("the holder's lease").hasSize(1);
      assertThatThrownBy(
              () -> locks.acquire("host", "mw2011.codfw.wmnet", second, 1, Duration.ofSeconds(10)))
          .isInstanceOf(RunbookLock.LockHeldException.class)
          .hasMessageContaining("run run-first of alice");
      locks.forceRelease("host", "mw2011.codfw.wmnet", "run-first");
      assertThatThrownBy(
              () -> locks.acquire("host", "mw2011.codfw.wmnet", first, 1, Duration.ofSeconds(10)))
          .isInstanceOf(RunbookLock.LockRevokedException.class);
      assertThat(newLeases(before))
          .as("the holder's lease revoked, none left by the refusals")
          .isEmpty();
      assertThat(locks.holders("host", "mw2011.codfw.wmnet")).isEmpty();
    } finally {
      locks.release("host", "mw2011.codfw.wmnet", "run-first");
      locks.forgetRevocation("host", "mw2011.codfw.wmnet", "run-first");
    }
  }

  /** The leases etcd has now that it did not have {@code before}. */
  private Set<String> newLeases(Set<String> before) {
    Set<String> now = new java.util.HashSet<>(leases());
    now.removeAll(before);
    return now;
  }

  /** The leases etcd has granted and not yet revoked or seen expire, by id. */
  private Set<String> leases() {
    String listed = Cli.etcdctl(lab, "lease", "list").out();
    assertThat(listed).as("etcdctl lease list").contains("found");
    return listed
        .lines()
        .map(String::strip)
        .filter(line -> line.matches("[0-9a-f]+"))
        .collect(java.util.stream.Collectors.toSet());
  }

  /**
   * A run whose lock lapsed (its lease gone, as when this node lost etcd for longer than the TTL)
   * is refused once another run has taken the slot on the same node, even after a read confirmed
   * that other run's hold: the confirmation is that run's, not this one's.
   */
  @Test
  void aLapsedLockIsNotConfirmedForItsRunByTheRunThatTookItSince() throws Exception {
    EtcdRunbookLock node = new EtcdRunbookLock(store);
    RunbookLock.Holder lapsed = new RunbookLock.Holder("run-lapsed", "alice", Instant.now());
    RunbookLock.Holder next = new RunbookLock.Holder("run-next", "bob", Instant.now());
    Duration ttl = Duration.ofSeconds(30);
    String slot = "/switchman/locks/host/mw2012.codfw.wmnet/slot-0";
    try {
      assertThat(node.acquire("host", "mw2012.codfw.wmnet", lapsed, 1, ttl)).isTrue();
      Thread.sleep(1000); // the keep-alive's first renewal
      assertThat(node.acquire("host", "mw2012.codfw.wmnet", lapsed, 1, ttl)).isFalse();
      store
          .client()
          .getLeaseClient()
          .revoke(store.get(slot).orElseThrow().lease())
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(store.get(slot)).as("the slot went with its lease").isEmpty();

      assertThat(node.acquire("host", "mw2012.codfw.wmnet", next, 1, ttl)).isTrue();
      Thread.sleep(1000);
      assertThat(node.acquire("host", "mw2012.codfw.wmnet", next, 1, ttl))
          .as("confirmed by a read")
          .isFalse();

      assertThatThrownBy(() -> node.acquire("host", "mw2012.codfw.wmnet", lapsed, 1, ttl))
          .isInstanceOf(RunbookLock.LockHeldException.class)
          .hasMessageContaining("run run-next of bob");
      assertThat(node.holders("host", "mw2012.codfw.wmnet"))
          .extracting(RunbookLock.Holder::runId)
          .containsExactly("run-next");
    } finally {
      node.release("host", "mw2012.codfw.wmnet", "run-next");
      node.release("host", "mw2012.codfw.wmnet", "run-lapsed");
      node.close();
    }
  }

  @Test
  void theLockOfAHolderThatDiedExpires() throws Exception {
    // a node of its own: a fresh client's first request sets up its connection, which takes more
    // than the 2 s of the other tests on a busy machine
    EtcdStore otherNode =
        new EtcdStore(
            new EtcdProperties(
                List.of(lab.etcdEndpoint()), Duration.ofSeconds(10), Duration.ofSeconds(2)));
    EtcdRunbookLock dying = new EtcdRunbookLock(otherNode);
    dying.acquire(
        "host-reboot",
        "mw2009.codfw.wmnet",
        new RunbookLock.Holder("run-dead", "alice", Instant.now()),
        1,
        Duration.ofSeconds(2));
    assertThatThrownBy(
            () ->
                locks.acquire(
                    "host-reboot",
                    "mw2009.codfw.wmnet",
                    new RunbookLock.Holder("run-next", "bob", Instant.now()),
                    1,
                    Duration.ofSeconds(10)))
        .isInstanceOf(RunbookLock.LockHeldException.class);

    dying.close();
    otherNode.close();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!locks.holders("host-reboot", "mw2009.codfw.wmnet").isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    try {
      locks.acquire(
          "host-reboot",
          "mw2009.codfw.wmnet",
          new RunbookLock.Holder("run-next", "bob", Instant.now()),
          1,
          Duration.ofSeconds(10));
      assertThat(locks.holders("host-reboot", "mw2009.codfw.wmnet"))
          .extracting(RunbookLock.Holder::runId)
          .containsExactly("run-next");
    } finally {
      locks.release("host-reboot", "mw2009.codfw.wmnet", "run-next");
    }
  }

  @Test
  void allForcedReleasesAreReadAtOnceWithTheirRunbookTargetAndRun() {
    RunbookLock.Holder run = new RunbookLock.Holder("run-listed", "alice", Instant.now());
    assertThat(locks.acquire("rolling-restart", "eqiad/jobrunner", run, 1, Duration.ofSeconds(10)))
        .isTrue();
    try {
      locks.forceRelease("rolling-restart", "eqiad/jobrunner", "run-listed");
      locks.forceRelease("host", "mw1401.eqiad.wmnet", "run-listed");
      assertThat(locks.revocations())
          .contains(
              new RunbookLock.Revocation("rolling-restart", "eqiad/jobrunner", "run-listed"),
              new RunbookLock.Revocation("host", "mw1401.eqiad.wmnet", "run-listed"));

      locks.forgetRevocation("rolling-restart", "eqiad/jobrunner", "run-listed");
      assertThat(locks.revocations())
          .contains(new RunbookLock.Revocation("host", "mw1401.eqiad.wmnet", "run-listed"))
          .doesNotContain(
              new RunbookLock.Revocation("rolling-restart", "eqiad/jobrunner", "run-listed"));
    } finally {
      locks.forgetRevocation("rolling-restart", "eqiad/jobrunner", "run-listed");
      locks.forgetRevocation("host", "mw1401.eqiad.wmnet", "run-listed");
    }
  }

  @Test
  void aForcedReleaseRefusesTheRunUntilItIsAcknowledged() {
    RunbookLock.Holder run = new RunbookLock.Holder("run-forced", "alice", Instant.now());
    assertThat(locks.acquire("dc-switchover", "mediawiki", run, 1, Duration.ofSeconds(10)))
        .isTrue();
    try {
      locks.forceRelease("dc-switchover", "mediawiki", "run-forced");
      assertThat(locks.holders("dc-switchover", "mediawiki")).isEmpty();
      assertThat(locks.revoked("dc-switchover", "mediawiki")).containsExactly("run-forced");
      assertThat(locks.revocations())
          .contains(new RunbookLock.Revocation("dc-switchover", "mediawiki", "run-forced"));
      assertThatThrownBy(
              () -> locks.acquire("dc-switchover", "mediawiki", run, 1, Duration.ofSeconds(10)))
          .isInstanceOf(RunbookLock.LockRevokedException.class)
          .hasMessageContaining(
              "an administrator force-released the lock dc-switchover on mediawiki");
      assertThat(locks.holders("dc-switchover", "mediawiki")).isEmpty();

      locks.forgetRevocation("dc-switchover", "mediawiki", "run-forced");
      assertThat(locks.revoked("dc-switchover", "mediawiki")).isEmpty();
      assertThat(locks.revocations())
          .doesNotContain(new RunbookLock.Revocation("dc-switchover", "mediawiki", "run-forced"));
      assertThat(locks.acquire("dc-switchover", "mediawiki", run, 1, Duration.ofSeconds(10)))
          .isTrue();
      assertThat(locks.acquire("dc-switchover", "mediawiki", run, 1, Duration.ofSeconds(10)))
          .isFalse();
    } finally {
      locks.release("dc-switchover", "mediawiki", "run-forced");
      locks.forgetRevocation("dc-switchover", "mediawiki", "run-forced");
    }
  }

  /**
   * Confirming a held lock costs no renewal while this node's keep-alive renews the lease, and
   * renews it at once when the keep-alive has not been heard for over half the TTL.
   */
  @Test
  void aLockTheKeepAliveRenewsIsConfirmedWithoutARenewalAndOneItWentQuietOnIsRenewedAtOnce()
      throws Exception {
    AtomicLong quietFor = new AtomicLong();
    EtcdRunbookLock node = new EtcdRunbookLock(store, () -> System.nanoTime() + quietFor.get());
    RunbookLock.Holder run = new RunbookLock.Holder("run-renewed", "alice", Instant.now());
    Duration ttl = Duration.ofSeconds(30);
    assertThat(node.acquire("dc-switchover", "renewals", run, 1, ttl)).isTrue();
    try {
      // the keep-alive renews at once, then every third of the TTL: 10 s
      Thread.sleep(3500);
      assertThat(node.acquire("dc-switchover", "renewals", run, 1, ttl)).isFalse();
      assertThat(leaseLeft("run-renewed"))
          .as("confirmed without a renewal: the lease ran on")
          .isLessThan(Duration.ofSeconds(29));

      quietFor.set(Duration.ofSeconds(20).toNanos());
      assertThat(node.acquire("dc-switchover", "renewals", run, 1, ttl)).isFalse();
      assertThat(leaseLeft("run-renewed"))
          .as("the keep-alive quiet for 20 s: renewed before the step acts")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(29));
    } finally {
      node.release("dc-switchover", "renewals", "run-renewed");
      node.close();
    }
  }

  /**
   * Once a read confirmed a held lock (here, once the lock taken back after a delete by hand was
   * read), confirming it again makes no round trip while the watch on the lock keys has seen no
   * change to it; a delete by hand and a forced release from another node are both noticed at a
   * confirmation moments later.
   */
  @Test
  void aConfirmedLockIsConfirmedAgainWithoutAReadUntilItsKeyChanges() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    EtcdStore counting = countingReads(reads);
    EtcdRunbookLock node = new EtcdRunbookLock(counting);
    RunbookLock.Holder run = new RunbookLock.Holder("run-watched", "alice", Instant.now());
    Duration ttl = Duration.ofSeconds(30);
    try {
      assertThat(node.acquire("dc-switchover", "watched", run, 1, ttl)).isTrue();
      Thread.sleep(1000); // the keep-alive's first renewal
      assertThat(node.acquire("dc-switchover", "watched", run, 1, ttl)).isFalse();
      int confirmedByRead = reads.get();
      for (int i = 0; i < 5; i++) {
        assertThat(node.acquire("dc-switchover", "watched", run, 1, ttl)).isFalse();
      }
      assertThat(reads.get()).as("confirmed again without a read").isEqualTo(confirmedByRead);

      store.delete("/switchman/locks/dc-switchover/watched/slot-0");
      assertThat(confirmUntilTakenBack(node, run, ttl))
          .as("the deleted slot is noticed and taken back for the run")
          .isTrue();
      assertThat(reads.get()).isGreaterThan(confirmedByRead);

      Thread.sleep(1000);
      assertThat(node.acquire("dc-switchover", "watched", run, 1, ttl)).isFalse();
      int confirmedAgain = reads.get();
      assertThat(node.acquire("dc-switchover", "watched", run, 1, ttl)).isFalse();
      assertThat(reads.get()).isEqualTo(confirmedAgain);
      locks.forceRelease("dc-switchover", "watched", "run-watched");
      assertThatThrownBy(() -> keepConfirming(node, run, ttl))
          .as("another node's forced release is noticed")
          .isInstanceOf(RunbookLock.LockRevokedException.class);
    } finally {
      node.release("dc-switchover", "watched", "run-watched");
      node.forgetRevocation("dc-switchover", "watched", "run-watched");
      node.close();
      counting.close();
    }
  }

  /**
   * A lock this node has just created is confirmed without a read from the start (the watch saw the
   * slot made), as a run's first step and its keeper's first round confirm a thousand host locks; a
   * delete by hand right after is noticed all the same.
   */
  @Test
  void aLockJustTakenIsConfirmedWithoutAReadAndADeleteByHandIsStillNoticed() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    EtcdStore counting = countingReads(reads);
    EtcdRunbookLock node = new EtcdRunbookLock(counting);
    RunbookLock.Holder run = new RunbookLock.Holder("run-watched", "alice", Instant.now());
    Duration ttl = Duration.ofSeconds(30);
    try {
      assertThat(node.acquire("dc-switchover", "watched", run, 1, ttl)).isTrue();
      assertThat(reads.get()).as("a free lock is taken without a read").isZero();
      Thread.sleep(1000); // the keep-alive's first renewal
      for (int i = 0; i < 5; i++) {
        assertThat(node.acquire("dc-switchover", "watched", run, 1, ttl)).isFalse();
      }
      assertThat(reads.get()).as("confirmed without a read from the start").isZero();

      store.delete("/switchman/locks/dc-switchover/watched/slot-0");
      assertThat(confirmUntilTakenBack(node, run, ttl))
          .as("the deleted slot is noticed and taken back for the run")
          .isTrue();
      assertThat(reads.get()).isPositive();
    } finally {
      node.release("dc-switchover", "watched", "run-watched");
      node.close();
      counting.close();
    }
  }

  /** A store of its own that counts its reads of lock slots into {@code reads}. */
  private EtcdStore countingReads(AtomicInteger reads) {
    return new EtcdStore(settings(Duration.ofSeconds(3))) {
      @Override
      public Listing listing(String prefix) {
        reads.incrementAndGet();
        return super.listing(prefix);
      }
    };
  }

  /**
   * Confirms the lock every 20 ms for up to 3 s until it answers that the slot was taken (back) for
   * the run; whether it did.
   */
  private static boolean confirmUntilTakenBack(
      EtcdRunbookLock node, RunbookLock.Holder run, Duration ttl) throws InterruptedException {
    for (int i = 0; i < 150; i++) {
      if (node.acquire("dc-switchover", "watched", run, 1, ttl)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /**
   * Confirms the lock every 20 ms for 3 s, so that whatever the lock throws once the watch has seen
   * a change reaches the caller.
   */
  private static void keepConfirming(EtcdRunbookLock node, RunbookLock.Holder run, Duration ttl)
      throws InterruptedException {
    for (int i = 0; i < 150; i++) {
      node.acquire("dc-switchover", "watched", run, 1, ttl);
      Thread.sleep(20);
    }
  }

  private Duration leaseLeft(String runId) {
    return locks.locks().stream()
        .filter(held -> held.holder().runId().equals(runId))
        .findFirst()
        .orElseThrow()
        .ttl();
  }

  @Test
  void theLeaseIsTheTtlAskedForAndANodeThatConfirmsTheLockKeepsItAfterTheFirstNodeStopped()
      throws Exception {
    EtcdStore stoppingNode = new EtcdStore(settings(Duration.ofSeconds(3)));
    EtcdRunbookLock stopping = new EtcdRunbookLock(stoppingNode);
    RunbookLock.Holder run = new RunbookLock.Holder("run-moved", "alice", Instant.now());
    stopping.acquire("db-masters", "s1", run, 1, Duration.ofSeconds(3));
    try {
      assertThat(locks.locks())
          .filteredOn(held -> held.holder().runId().equals("run-moved"))
          .singleElement()
          .satisfies(
              held ->
                  assertThat(held.ttl()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(3)));
      // a graceful stop: the first node stops renewing; the restarted one confirms the run's lock
      stopping.close();
      stoppingNode.close();
      assertThat(locks.acquire("db-masters", "s1", run, 1, Duration.ofSeconds(3))).isFalse();
      Thread.sleep(7000);
      assertThat(locks.holders("db-masters", "s1"))
          .extracting(RunbookLock.Holder::runId)
          .as("renewed by the node that confirmed it, well past the first node's lease")
          .containsExactly("run-moved");
    } finally {
      locks.release("db-masters", "s1", "run-moved");
    }
  }

  // ------------------------------------------------- etcd failing during a lock's create

  /** What the next create of a {@link FailingCreates} store does. */
  private enum CreateFailure {
    NONE,
    /** The transaction reaches etcd and commits; its answer never comes back. */
    ANSWER_LOST,
    /** etcd refuses the transaction: the lease it names was revoked just before. */
    REFUSED
  }

  /**
   * The lab's real etcd, with the next lock create failing as asked. A client of its own, with 10 s
   * to answer and its connection set up first, so that only the create asked for fails.
   */
  private final class FailingCreates extends EtcdStore {
    private volatile CreateFailure nextCreate = CreateFailure.NONE;

    FailingCreates() {
      super(
          new EtcdProperties(
              List.of(lab.etcdEndpoint()), Duration.ofSeconds(10), Duration.ofSeconds(3)));
      get("/switchman/locks/");
    }

    @Override
    public long createdWithLeaseAt(String key, String value, long leaseId, String... mustBeAbsent) {
      CreateFailure failure = nextCreate;
      nextCreate = CreateFailure.NONE;
      switch (failure) {
        case ANSWER_LOST -> {
          super.createdWithLeaseAt(key, value, leaseId, mustBeAbsent);
          throw new InfrastructureUnavailableException(
              "etcd did not answer to create " + key + " (the answer was lost)", null);
        }
        case REFUSED -> await(client().getLeaseClient().revoke(leaseId), "revoke a lease");
        case NONE -> {}
      }
      return super.createdWithLeaseAt(key, value, leaseId, mustBeAbsent);
    }
  }

  /**
   * A lock's create that etcd committed but whose answer was lost fails the attempt, and the slot
   * it made is renewed by nobody: it goes with its lease, and the lock is free for the next run.
   */
  @Test
  void aCreateWhoseAnswerWasLostLeavesItsSlotToALeaseThatNobodyRenews() {
    String target = "mw2020.codfw.wmnet";
    String slot = "/switchman/locks/host/" + target + "/slot-0";
    Duration ttl = Duration.ofSeconds(3);
    try (FailingCreates failing = new FailingCreates();
        EtcdRunbookLock node = new EtcdRunbookLock(failing)) {
      failing.nextCreate = CreateFailure.ANSWER_LOST;
      RunbookLock.Holder lost = new RunbookLock.Holder("run-lost-answer", "alice", Instant.now());
      assertThatThrownBy(() -> node.acquire("host", target, lost, 1, ttl))
          .isInstanceOf(InfrastructureUnavailableException.class)
          .hasMessageContaining("to create " + slot + " (the answer was lost)");
      assertThat(etcdctl(slot)).as("created all the same").contains("run-lost-answer");

      SwitchoverRuns.await(
          () -> etcdctl(slot).isEmpty(), Duration.ofSeconds(10), () -> slot + " gone");
      assertThat(node.holders("host", target)).isEmpty();
      RunbookLock.Holder next = new RunbookLock.Holder("run-after", "bob", Instant.now());
      assertThat(node.acquire("host", target, next, 1, ttl)).isTrue();
      node.release("host", target, "run-after");
    }
  }

  /**
   * The run's next attempt after a lost answer finds the slot its create made and renews it from
   * then on, well past the lease's TTL, until the run releases it.
   */
  @Test
  void aCreateWhoseAnswerWasLostIsFoundAndKeptByTheRunsNextAttempt() throws Exception {
    String target = "mw2021.codfw.wmnet";
    String slot = "/switchman/locks/host/" + target + "/slot-0";
    Duration ttl = Duration.ofSeconds(3);
    try (FailingCreates failing = new FailingCreates();
        EtcdRunbookLock node = new EtcdRunbookLock(failing)) {
      failing.nextCreate = CreateFailure.ANSWER_LOST;
      RunbookLock.Holder run = new RunbookLock.Holder("run-retried", "alice", Instant.now());
      assertThatThrownBy(() -> node.acquire("host", target, run, 1, ttl))
          .isInstanceOf(InfrastructureUnavailableException.class)
          .hasMessageContaining("to create " + slot + " (the answer was lost)");

      assertThat(node.acquire("host", target, run, 1, ttl)).as("held already").isFalse();
      heldPastItsTtl(node, target, "run-retried", ttl);
      RunbookLock.Holder other = new RunbookLock.Holder("run-other", "bob", Instant.now());
      assertThatThrownBy(() -> node.acquire("host", target, other, 1, ttl))
          .isInstanceOf(RunbookLock.LockHeldException.class);

      node.release("host", target, "run-retried");
      assertThat(etcdctl(slot)).isEmpty();
    }
  }

  /**
   * A create that etcd refuses fails the attempt naming etcd's reason and leaves no slot; the run's
   * next attempt takes the lock with a lease of its own and keeps it past the TTL.
   */
  @Test
  void aCreateThatEtcdRefusesLeavesNoSlotAndTheNextAttemptTakesTheLock() throws Exception {
    String target = "mw2022.codfw.wmnet";
    String slot = "/switchman/locks/host/" + target + "/slot-0";
    Duration ttl = Duration.ofSeconds(3);
    try (FailingCreates failing = new FailingCreates();
        EtcdRunbookLock node = new EtcdRunbookLock(failing)) {
      failing.nextCreate = CreateFailure.REFUSED;
      RunbookLock.Holder run = new RunbookLock.Holder("run-refused", "alice", Instant.now());
      assertThatThrownBy(() -> node.acquire("host", target, run, 1, ttl))
          .isInstanceOf(InfrastructureUnavailableException.class)
          .hasMessageContaining("to create " + slot)
          .hasMessageContaining("lease not found");
      assertThat(etcdctl(slot)).isEmpty();

      assertThat(node.acquire("host", target, run, 1, ttl)).isTrue();
      heldPastItsTtl(node, target, "run-refused", ttl);
      node.release("host", target, "run-refused");
      assertThat(etcdctl(slot)).isEmpty();
    }
  }

  /** The run holds the lock after longer than its lease's TTL: the node renews it. */
  private static void heldPastItsTtl(
      EtcdRunbookLock node, String target, String runId, Duration ttl) throws InterruptedException {
    Thread.sleep(ttl.plusSeconds(3).toMillis());
    assertThat(node.holders("host", target))
        .extracting(RunbookLock.Holder::runId)
        .as("renewed past the lease's TTL")
        .containsExactly(runId);
  }
}
