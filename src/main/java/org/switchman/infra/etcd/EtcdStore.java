package org.switchman.infra.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchman.config.EtcdProperties;
import org.switchman.runbook.port.InfrastructureUnavailableException;
import org.switchman.runbook.port.StepInterruptedException;
import org.switchman.runbook.port.UnansweredChangeException;

/**
 * Bounded, string-keyed access to etcd's v3 API: every call waits at most the configured timeout
 * and turns an unreachable etcd into {@link InfrastructureUnavailableException}; a caller
 * interrupted while it waits gets {@link StepInterruptedException}, its interrupt flag kept.
 */
public class EtcdStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);

  /** A key's value and revisions. */
  public record Entry(
      String key, String value, long modRevision, long createRevision, long lease) {}

  private final Client client;
  private final Duration timeout;
  private final String endpoints;

  public EtcdStore(EtcdProperties settings) {
    EtcdProperties valid = settings.validated();
    this.timeout = valid.timeout();
    this.endpoints = String.join(",", valid.endpoints());
    this.client =
        Client.builder()
            .endpoints(valid.endpoints().toArray(String[]::new))
            .connectTimeout(valid.timeout())
            .retryMaxDuration(valid.timeout())
            .build();
  }

  /**
   * Opens the connection in the background, so that the first request (an operator's start, often)
   * does not also pay for the channel's set-up within its timeout. A failure is only logged: every
   * request connects again on its own.
   */
  public void connectInBackground() {
    client
        .getClusterClient()
        .listMember()
        .whenComplete(
            (members, failure) -> {
              if (failure != null) {
                LOG.warn(
                    "etcd ({}) did not answer at startup: {}", endpoints, failure.getMessage());
              }
            });
  }

  Client client() {
    return client;
  }

  Duration timeout() {
    return timeout;
  }

  public Optional<Entry> get(String key) {
    List<KeyValue> kvs = await(client.getKVClient().get(bytes(key)), "read " + key).getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(entry(kvs.get(0)));
  }

  /** Every key under a prefix, in key order. */
  public List<Entry> prefix(String prefix) {
    return listing(prefix).entries();
  }

  /** The keys under a prefix, in key order, as of the store's revision the read was served at. */
  public record Listing(List<Entry> entries, long revision) {}

  /** {@link #prefix}, with the store's revision the read was served at. */
  public Listing listing(String prefix) {
    GetOption option =
        GetOption.builder()
            .isPrefix(true)
            .withSortField(GetOption.SortTarget.KEY)
            .withSortOrder(GetOption.SortOrder.ASCEND)
            .build();
    GetResponse response =
        await(client.getKVClient().get(bytes(prefix), option), "read " + prefix + "*");
    return new Listing(
        response.getKvs().stream().map(EtcdStore::entry).toList(),
        response.getHeader().getRevision());
  }

  /**
   * Watches every key under a prefix from a revision on: {@code changed} hears each key that was
   * put or deleted and the revision of that change; {@code ended} hears that the watch stopped (an
   * error, a revision compacted away, a member that lost its leader, a close). The watch resumes on
   * its own across a lost connection, from where it was.
   *
   * @return what stops the watch
   */
  public AutoCloseable watchPrefix(
      String prefix,
      long fromRevision,
      BiConsumer<String, Long> changed,
      Consumer<Throwable> ended) {
    WatchOption option =
        WatchOption.builder()
            .isPrefix(true)
            .withRevision(fromRevision)
            .withRequireLeader(true)
            .build();
    Watch.Watcher watcher =
        client
            .getWatchClient()
            .watch(
                bytes(prefix),
                option,
                Watch.listener(
                    response ->
                        response
                            .getEvents()
                            .forEach(
                                event ->
                                    changed.accept(
                                        event
                                            .getKeyValue()
                                            .getKey()
                                            .toString(StandardCharsets.UTF_8),
                                        event.getKeyValue().getModRevision())),
                    ended,
                    () -> ended.accept(null)));
    return watcher::close;
  }

  /**
   * Writes a key only if its mod revision is still {@code expectedRevision}.
   *
   * @return the key's current entry after a lost compare (empty when the write succeeded)
   * @throws UnansweredChangeException when etcd did not answer in time: the write may have been
   *     applied (etcd may be slow or frozen, with the request in hand)
   */
  public Optional<Entry> compareAndPut(String key, long expectedRevision, String value) {
    CompletableFuture<TxnResponse> commit =
        client
            .getKVClient()
            .txn()
            .If(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
            .Then(Op.put(bytes(key), bytes(value), PutOption.DEFAULT))
            .Else(Op.get(bytes(key), GetOption.DEFAULT))
            .commit();
    TxnResponse response;
    try {
      response = await(commit, "write " + key);
    } catch (InfrastructureUnavailableException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw new UnansweredChangeException(
            e.getMessage() + "; the write may have been applied", e.getCause());
      }
      throw e;
    }
    if (response.isSucceeded()) {
      return Optional.empty();
    }
    List<KeyValue> now =
        response.getGetResponses().isEmpty()
            ? List.of()
            : response.getGetResponses().get(0).getKvs();
    return Optional.of(now.isEmpty() ? new Entry(key, null, 0, 0, 0) : entry(now.get(0)));
  }

  /**
   * Creates a key, tied to a lease, only if neither it nor any of the keys {@code mustBeAbsent}
   * exists, in one transaction.
   *
   * @return whether the key was created
   */
  public boolean createWithLease(String key, String value, long leaseId, String... mustBeAbsent) {
    return createdWithLeaseAt(key, value, leaseId, mustBeAbsent) != 0;
  }

  /**
   * {@link #createWithLease}, answering the revision that created the key, or 0 when it was not
   * created.
   */
  public long createdWithLeaseAt(String key, String value, long leaseId, String... mustBeAbsent) {
    Cmp[] absent =
        Stream.concat(Stream.of(key), Arrays.stream(mustBeAbsent))
            .map(each -> new Cmp(bytes(each), Cmp.Op.EQUAL, CmpTarget.version(0)))
            .toArray(Cmp[]::new);
    TxnResponse created =
        await(
            client
                .getKVClient()
                .txn()
                .If(absent)
                .Then(
                    Op.put(
                        bytes(key), bytes(value), PutOption.builder().withLeaseId(leaseId).build()))
                .commit(),
            "create " + key);
    return created.isSucceeded() ? created.getHeader().getRevision() : 0;
  }

  /** Writes a key whatever it holds (for Switchman's own keys, never conftool's). */
  public void put(String key, String value) {
    await(client.getKVClient().put(bytes(key), bytes(value)), "write " + key);
  }

  public void delete(String key) {
    await(client.getKVClient().delete(bytes(key)), "delete " + key);
  }

  /**
   * Deletes a key only if it is still the version that was read (its modification revision), so
   * that a key written by someone else since the read is left alone.
   *
   * @return whether the key was deleted
   */
  public boolean deleteIfUnchanged(String key, long modRevision) {
    return await(
            client
                .getKVClient()
                .txn()
                .If(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                .Then(Op.delete(bytes(key), DeleteOption.DEFAULT))
                .commit(),
            "delete " + key)
        .isSucceeded();
  }

  <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new InfrastructureUnavailableException(
          "etcd (" + endpoints + ") did not answer within " + timeout + " to " + what, e);
    } catch (ExecutionException e) {
      throw new InfrastructureUnavailableException(
          "etcd (" + endpoints + ") failed to " + what + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StepInterruptedException("waiting for etcd to " + what, e);
    }
  }

  static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static Entry entry(KeyValue kv) {
    return new Entry(
        kv.getKey().toString(StandardCharsets.UTF_8),
        kv.getValue().toString(StandardCharsets.UTF_8),
        kv.getModRevision(),
        kv.getCreateRevision(),
        kv.getLease());
  }

  @Override
  public void close() {
    client.close();
  }
}
