package org.switchman.infra.opslog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
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
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;

/**
 * Writes ops log lines to a file and a store (the ops log page's table) and, when a webhook is
 * configured, POSTs each event as JSON.
 *
 * <p>Both happen on one background thread with a bounded queue, so the caller (a process step)
 * never waits: when the queue is full the event is dropped with a warning. A webhook delivery is
 * tried {@code attempts} times with a doubling pause; a 2xx answer ends it.
 *
 * <p>With a webhook secret, each POST carries {@value #SIGNATURE_HEADER}{@code : sha256=<hex>}, the
 * HMAC-SHA256 of the exact request body under the secret, so the receiver can tell the app's
 * lines from forged ones (the body's {@code at} lets it refuse replays).
 */
public class FileAndWebhookOpsLog implements OpsLog, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FileAndWebhookOpsLog.class);
  private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

  /** The request header that carries the body's HMAC-SHA256 under the webhook secret. */
  public static final String SIGNATURE_HEADER = "X-Switchman-Signature";

  private final Path file;
  private final Consumer<OpsEvent> store;
  private final URI webhook;
  private final int attempts;
  private final Duration firstPause;
  private final SecretKeySpec webhookSecret;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(1000), r -> {
        Thread thread = new Thread(r, "ops-log");
        thread.setDaemon(true);
        return thread;
      }, (task, executor) -> LOG.warn("Ops log queue full: an event was dropped"));

  /**
   * @param file the log file, created with its folder when missing (the file with mode 0600)
   * @param webhook where to POST events, or {@code null} for none
   * @param attempts how often a webhook delivery is tried
   * @param firstPause the pause after the first failed try; it doubles each time
   */
  public FileAndWebhookOpsLog(Path file, URI webhook, int attempts, Duration firstPause) {
    this(file, event -> { }, webhook, attempts, firstPause);
  }

  /**
   * @param store also keeps each line where the ops log page reads it, on the same worker thread
   */
  public FileAndWebhookOpsLog(Path file, Consumer<OpsEvent> store, URI webhook, int attempts,
      Duration firstPause) {
    this(file, store, webhook, attempts, firstPause, null);
  }

  /**
   * @param webhookSecret the key that signs each webhook body ({@value #SIGNATURE_HEADER}), or
   *     {@code null} for unsigned deliveries
   */
  public FileAndWebhookOpsLog(Path file, Consumer<OpsEvent> store, URI webhook, int attempts,
      Duration firstPause, byte[] webhookSecret) {
    this.webhookSecret = webhookSecret == null ? null : new SecretKeySpec(webhookSecret, "HmacSHA256");
    this.file = file;
    this.store = store;
    this.webhook = webhook;
    this.attempts = Math.max(1, attempts);
    this.firstPause = firstPause;
  }

  @Override
  public void record(OpsEvent event) {
    worker.execute(() -> {
      append(event);
      try {
        store.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("Cannot store an ops log line: {}", e.getMessage());
      }
      if (webhook != null) {
        deliver(event);
      }
    });
  }

  private void append(OpsEvent event) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (!Files.exists(file)) {
        createPrivate(file);
      }
      Files.writeString(file, event.line() + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.warn("Cannot write the ops log {}: {}", file, e.getMessage());
    }
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

  private void deliver(OpsEvent event) {
    Duration pause = firstPause;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        byte[] body = json.writeValueAsBytes(event);
        HttpRequest.Builder request = HttpRequest.newBuilder(webhook)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (webhookSecret != null) {
          request.header(SIGNATURE_HEADER, "sha256=" + signature(body));
        }
        int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 == 2) {
          return;
        }
        LOG.warn("Ops log webhook answered {} (attempt {} of {})", status, attempt, attempts);
      } catch (IOException e) {
        LOG.warn("Ops log webhook failed (attempt {} of {}): {}", attempt, attempts, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (attempt < attempts) {
        try {
          Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        pause = pause.multipliedBy(2);
      }
    }
    LOG.warn("Ops log webhook gave up on {} {} after {} attempts", event.kind(), event.runId(), attempts);
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

  /** Waits up to the timeout for queued events to be written and delivered. */
  public boolean drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (worker.getQueue().isEmpty() && worker.getActiveCount() == 0) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Override
  public void close() {
    worker.shutdown();
  }
}
