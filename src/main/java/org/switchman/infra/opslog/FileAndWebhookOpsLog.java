package org.switchman.infra.opslog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.switchman.audit.JournalChain;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;

/**
 * The ops log: a table ({@code SWITCHMAN_OPS_LOG}, the ops log page's), a file and, when
 * configured, a webhook that gets each line as a JSON POST.
 *
 * <p><b>A transactional outbox.</b> {@link #record} inserts the line into the table in the caller's
 * transaction, so a line exists exactly when what it reports has committed, survives a crash right
 * after the commit, and vanishes with a rollback (outside a transaction it is inserted in one of
 * its own). Two background deliverers then work from the table, each with its own state, so neither
 * ever waits for the other:
 *
 * <ul>
 *   <li>the <b>file writer</b> appends the lines not yet in the file, in their order, and marks
 *       them written; it is woken by each commit and looks every {@code poll} otherwise, so a line
 *       reaches the file within moments of its commit whatever the webhook does. A line is marked
 *       after it is appended, so a crash in between writes it twice rather than never;
 *   <li>the <b>webhook deliverer</b> POSTs the lines waiting in {@code SWITCHMAN_OPS_LOG_WEBHOOK},
 *       one at a time and in order, once they are in the file. A failed try (an error status, no
 *       answer within 10 s, no connection) is tried again after a pause that doubles from {@code
 *       firstPause} up to {@code maxPause}; the lines behind it wait, so the receiver gets them in
 *       order. The queue is in the table, so it survives restarts: what was not delivered before a
 *       stop or a crash is delivered after the next start.
 * </ul>
 *
 * <p><b>Nothing is dropped silently.</b> A line is dropped only when it cannot be stored at all, or
 * when the webhook has not taken it within {@code giveUpAfter} of its time; each drop logs a
 * warning and counts in {@code switchman_ops_log_dropped_total{sink}} ({@code table} or {@code
 * webhook}). A file that cannot be written is retried, never skipped.
 *
 * <p><b>Stopping</b> ({@link #close}) writes every line still waiting for the file, and leaves the
 * webhook's queue in the table for the next start. A delivery cut short by the stop is made again
 * then, so the receiver may get a line twice; the body's {@code at} tells it apart.
 *
 * <p>With a webhook secret, each POST carries {@value #SIGNATURE_HEADER}{@code : sha256=<hex>}, the
 * HMAC-SHA256 of the exact request body under the secret, so the receiver can tell the app's lines
 * from forged ones (the body's {@code at} lets it refuse replays).
 *
 * <p>With several nodes on one database, whichever node's file writer finds a line first writes it
 * to its file, and a line may reach more than one node's file.
 */
public class FileAndWebhookOpsLog implements OpsLog, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FileAndWebhookOpsLog.class);
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rw-------");
  private static final int BATCH = 200;
  private static final Duration POST_TIMEOUT = Duration.ofSeconds(10);

  /** The request header that carries the body's HMAC-SHA256 under the webhook secret. */
  public static final String SIGNATURE_HEADER = "X-Switchman-Signature";

  /** The metric that counts dropped lines, by sink. */
  public static final String DROPPED = "switchman.ops.log.dropped";

  /**
   * Where and how lines are POSTed.
   *
   * @param url where to POST each line
   * @param secret the key that signs each body ({@value #SIGNATURE_HEADER}), or {@code null}
   * @param firstPause the pause after a failed try; it doubles after each further one
   * @param maxPause the longest pause between tries
   * @param giveUpAfter a line older than this that the webhook has not taken is dropped
   */
  public record Webhook(
      URI url, byte[] secret, Duration firstPause, Duration maxPause, Duration giveUpAfter) {}

  private final JdbcOpsLogStore store;
  private final TransactionTemplate ownTransaction;
  private final Path file;
  private final Webhook webhook;
  private final SecretKeySpec webhookSecret;
  private final Supplier<String> journalHead;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final Duration poll;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final Object fileLock = new Object();
  private final Object wake = new Object();

  /** How many wake-ups there were (guarded by {@code wake}), and how many each deliverer saw. */
  private long wakeups;

  private final ThreadLocal<long[]> wakeupsSeen = ThreadLocal.withInitial(() -> new long[1]);
  private final Thread fileWriter;
  private final Thread webhookDeliverer;
  private volatile boolean closed;

  /**
   * @param store the table the lines are kept and queued in
   * @param transactions for lines recorded outside a transaction
   * @param file the log file, created with its folder when missing (the file with mode 0600)
   * @param webhook where lines are POSTed, or {@code null} for none
   * @param journalHead the journal's head now ({@code seq=… hash=…}), filled into a run's {@link
   *     OpsEvent.Kind#JOURNAL_HEAD} line when it is written, after the run's entries are chained
   * @param poll how often the deliverers look for lines when nothing wakes them
   */
  public FileAndWebhookOpsLog(
      JdbcOpsLogStore store,
      PlatformTransactionManager transactions,
      Path file,
      Webhook webhook,
      Supplier<String> journalHead,
      MeterRegistry metrics,
      Clock clock,
      Duration poll) {
    this.store = store;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.file = file;
    this.webhook = webhook;
    this.webhookSecret =
        webhook == null || webhook.secret() == null
            ? null
            : new SecretKeySpec(webhook.secret(), "HmacSHA256");
    this.journalHead = journalHead;
    this.metrics = metrics;
    this.clock = clock;
    this.poll = poll;
    if (webhook == null) {
      int forgotten = store.forgetWebhook();
      if (forgotten > 0) {
        dropped(
            "webhook",
            forgotten,
            "the webhook is no longer configured (switchman.ops-log.webhook-url)");
      }
    }
    fileWriter = daemon("ops-log-file", this::writeInBackground);
    webhookDeliverer =
        webhook == null ? null : daemon("ops-log-webhook", this::deliverInBackground);
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Stores the line in the caller's transaction (in one of its own outside a transaction); the
   * deliverers take it from there once it has committed. Never blocks on a sink and never throws.
   */
  @Override
  public void record(OpsEvent event) {
    try {
      if (TransactionSynchronizationManager.isActualTransactionActive()) {
        store.queue(event, webhook != null);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
          TransactionSynchronizationManager.registerSynchronization(
              new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                  if (status == STATUS_COMMITTED) {
                    wakeDeliverers();
                  }
                }
              });
        }
      } else {
        ownTransaction.executeWithoutResult(status -> store.queue(event, webhook != null));
        wakeDeliverers();
      }
    } catch (RuntimeException e) {
      dropped("table", 1, "cannot store the line " + event.line() + ": " + e.getMessage());
    }
  }

  private void dropped(String sink, int lines, String why) {
    LOG.warn("Ops log: {} line(s) dropped for the {}: {}", lines, sink, why);
    Counter.builder(DROPPED)
        .tag("sink", sink)
        .description("Ops log lines dropped")
        .register(metrics)
        .increment(lines);
  }

  private void wakeDeliverers() {
    synchronized (wake) {
      wakeups++;
      wake.notifyAll();
    }
  }

  /**
   * Waits for a wake-up or the duration, on a deliverer's thread. A wake-up that came while the
   * deliverer was busy is not lost: it finds the count moved on and does not wait.
   */
  private void pause(Duration duration) throws InterruptedException {
    long[] seen = wakeupsSeen.get();
    synchronized (wake) {
      if (!closed && wakeups == seen[0]) {
        wake.wait(Math.max(1, duration.toMillis()));
      }
      seen[0] = wakeups;
    }
  }

  // ---- the file

  private void writeInBackground() {
    while (!closed) {
      boolean more;
      try {
        more = writeWaitingLines();
      } catch (RuntimeException | IOException e) {
        LOG.warn("Cannot write the ops log {} yet (retried): {}", file, e.getMessage());
        more = false;
      }
      if (!more) {
        try {
          pause(poll);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Appends the next batch of lines that are not in the file yet and marks them written.
   *
   * @return whether more may be waiting
   */
  private boolean writeWaitingLines() throws IOException {
    try {
      return Boolean.TRUE.equals(ownTransaction.execute(status -> writeWaitingLinesInTurn()));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** {@link #writeWaitingLines} in this node's turn for the file, inside its transaction. */
  private boolean writeWaitingLinesInTurn() {
    synchronized (fileLock) {
      store.takeTurn(JdbcOpsLogStore.FILE);
      List<JdbcOpsLogStore.Queued> lines = store.unwritten(BATCH);
      if (lines.isEmpty()) {
        return false;
      }
      StringBuilder text = new StringBuilder();
      for (JdbcOpsLogStore.Queued line : lines) {
        OpsEvent event = line.event();
        if (event.kind() == OpsEvent.Kind.JOURNAL_HEAD && event.detail() == null) {
          event = resolveJournalHead(line.id(), event);
        }
        text.append(event.line()).append('\n');
      }
      try {
        append(text.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      store.written(lines.stream().map(JdbcOpsLogStore.Queued::id).toList());
      if (lines.size() > 0) {
        wakeDeliverers();
      }
      return lines.size() == BATCH;
    }
  }

  private OpsEvent resolveJournalHead(long id, OpsEvent event) {
    String head = journalHead.get();
    store.resolve(id, head);
    return new OpsEvent(
        event.at(),
        event.kind(),
        event.runbook(),
        event.runId(),
        event.user(),
        event.reason(),
        event.ticket(),
        head);
  }

  private void append(String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!Files.exists(file)) {
      createPrivate(file);
    }
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** The log names users and tickets: readable by the account running Switchman only (0600). */
  private static void createPrivate(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE));
      Files.setPosixFilePermissions(file, PRIVATE);
    } catch (UnsupportedOperationException noPosix) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException createdMeanwhile) {
      // another writer was first
    }
  }

  // ---- the webhook

  private void deliverInBackground() {
    while (!closed) {
      try {
        Duration wait = deliverNext();
        if (wait != null) {
          pause(wait);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("Cannot read the ops log's webhook queue (retried): {}", e.getMessage());
        try {
          pause(webhook.firstPause());
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /**
   * Tries the oldest waiting line once, unless its next try is not due yet, in this node's turn.
   *
   * @return how long to wait before looking again, or {@code null} to look at once
   */
  private Duration deliverNext() throws InterruptedException {
    try {
      return ownTransaction.execute(
          status -> {
            try {
              return deliverNextInTurn();
            } catch (InterruptedException e) {
              throw new Interrupted(e);
            }
          });
    } catch (Interrupted e) {
      throw e.interruption;
    }
  }

  /** An interruption carried out of a transaction's callback. */
  private static final class Interrupted extends RuntimeException {
    private final InterruptedException interruption;

    Interrupted(InterruptedException interruption) {
      super(interruption);
      this.interruption = interruption;
    }
  }

  /**
   * {@link #deliverNext} in this node's turn for the webhook, inside its transaction: the turn is
   * held while the line is POSTed, so that no other node POSTs it or the line after it meanwhile.
   */
  private Duration deliverNextInTurn() throws InterruptedException {
    store.takeTurn(JdbcOpsLogStore.WEBHOOK);
    JdbcOpsLogStore.Queued line = store.nextForWebhook();
    if (line == null) {
      return poll;
    }
    Instant now = clock.instant();
    if (line.event().at().plus(webhook.giveUpAfter()).isBefore(now)) {
      store.delivered(line.id());
      dropped(
          "webhook",
          1,
          "the webhook did not take it within "
              + webhook.giveUpAfter()
              + " ("
              + line.attempts()
              + " tries): "
              + line.event().line());
      return null;
    }
    long due = line.nextMicros() - JournalChain.micros(now);
    if (due > 0) {
      return Duration.ofNanos(due * 1000);
    }
    if (post(line.event(), line.attempts() + 1)) {
      store.delivered(line.id());
      return null;
    }
    Duration pause = webhook.firstPause().multipliedBy(1L << Math.min(line.attempts(), 20));
    if (pause.compareTo(webhook.maxPause()) > 0) {
      pause = webhook.maxPause();
    }
    store.failed(line.id(), JournalChain.micros(clock.instant().plus(pause)));
    return null;
  }

  private boolean post(OpsEvent event, int attempt) throws InterruptedException {
    try {
      byte[] body = json.writeValueAsBytes(event);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(webhook.url())
              .timeout(POST_TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (webhookSecret != null) {
        request.header(SIGNATURE_HEADER, "sha256=" + signature(body));
      }
      int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status / 100 == 2) {
        return true;
      }
      LOG.warn(
          "Ops log webhook answered {} (try {} of {} {}; retried)",
          status,
          attempt,
          event.kind(),
          event.runId());
    } catch (IOException e) {
      LOG.warn(
          "Ops log webhook failed (try {} of {} {}; retried): {}",
          attempt,
          event.kind(),
          event.runId(),
          e.getMessage());
    }
    return false;
  }

  private String signature(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(webhookSecret);
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  // ---- waiting and stopping

  /**
   * Waits up to the timeout until every committed line is in the file and, with a webhook,
   * delivered.
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (store.unwrittenCount() == 0 && (webhook == null || store.webhookCount() == 0)) {
        return true;
      }
      wakeDeliverers();
      Thread.sleep(20);
    }
    return false;
  }

  /**
   * Stops the deliverers: writes every line still waiting for the file, and leaves the lines
   * waiting for the webhook in the table, where the next start finds them.
   */
  @Override
  public void close() {
    closed = true;
    wakeDeliverers();
    if (webhookDeliverer != null) {
      webhookDeliverer.interrupt();
    }
    try {
      fileWriter.join(Duration.ofSeconds(10).toMillis());
      if (webhookDeliverer != null) {
        webhookDeliverer.join(Duration.ofSeconds(10).toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      while (writeWaitingLines()) {
        // until the last batch
      }
      if (webhook != null) {
        long waiting = store.webhookCount();
        if (waiting > 0) {
          LOG.info(
              "{} ops log line(s) wait for the webhook; they are delivered after the next start",
              waiting);
        }
      }
    } catch (RuntimeException | IOException e) {
      LOG.warn(
          "Cannot write the ops log {} at shutdown; the lines are written at the next start: {}",
          file,
          e.getMessage());
    }
  }
}
