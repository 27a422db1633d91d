package org.switchman.infra.opslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchman.audit.JournalHead;
import org.switchman.audit.OpsEvent;

class FileAndWebhookOpsLogTest {

  @TempDir
  Path dir;

  private HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> signatures = new CopyOnWriteArrayList<>();
  private volatile int failFirst;

  private static final OpsEvent STARTED = new OpsEvent(Instant.parse("2026-11-25T02:40:00Z"),
      OpsEvent.Kind.RUN_STARTED, "dc-switchover", "run-1", "alice", "planned switchover",
      "T12345", "Datacenter switchover");

  @BeforeEach
  void webhook() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      int call = calls.incrementAndGet();
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String signature = exchange.getRequestHeaders().getFirst(FileAndWebhookOpsLog.SIGNATURE_HEADER);
      signatures.add(signature == null ? "none" : signature);
      exchange.sendResponseHeaders(call <= failFirst ? 503 : 204, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI hook() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  @Test
  void aLineReadsLikeTheServerAdminLog() {
    assertThat(STARTED.line()).isEqualTo("2026-11-25T02:40:00Z alice: dc-switchover run-1 run started:"
        + " Datacenter switchover (T12345: planned switchover)");
  }

  @Test
  void aLoginLineNamesNoRun() {
    OpsEvent throttled = new OpsEvent(Instant.parse("2026-11-25T02:40:00Z"),
        OpsEvent.Kind.LOGIN_THROTTLED, null, null, null, null, null, "192.0.2.7: 10 failed logins");
    assertThat(throttled.line())
        .isEqualTo("2026-11-25T02:40:00Z system: login throttled: 192.0.2.7: 10 failed logins");
  }

  @Test
  void eventsGoToTheFileAndTheWebhookWithRetries() throws Exception {
    failFirst = 2;
    Path file = dir.resolve("logs/ops.log");
    try (FileAndWebhookOpsLog log = new FileAndWebhookOpsLog(file, hook(), 5, Duration.ofMillis(10))) {
      log.record(STARTED);
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(Files.readAllLines(file)).containsExactly(STARTED.line());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .as("the ops log names users and tickets: owner only").isEqualTo("rw-------");
    assertThat(calls).hasValue(3);
    assertThat(bodies.get(2)).contains("\"kind\":\"RUN_STARTED\"", "\"ticket\":\"T12345\"",
        "\"at\":\"2026-11-25T02:40:00Z\"");
  }

  @Test
  void aDeadWebhookNeverBlocksTheCaller() throws Exception {
    failFirst = Integer.MAX_VALUE;
    Path file = dir.resolve("ops.log");
    try (FileAndWebhookOpsLog log = new FileAndWebhookOpsLog(file, hook(), 3, Duration.ofMillis(200))) {
      long started = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        log.record(STARTED);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
      assertThat(log.drain(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(Files.readAllLines(file)).hasSize(5);
    assertThat(calls).hasValue(15);
  }

  @Test
  void withASecretEachDeliveryIsSignedOverItsExactBody() throws Exception {
    byte[] secret = "webhook-secret-of-the-receiver".getBytes(StandardCharsets.UTF_8);
    OpsEvent head = OpsEvent.journalHead(Instant.parse("2026-11-25T03:00:00Z"), "dc-switchover",
        "run-1", new JournalHead(123, "ab".repeat(32)));
    try (FileAndWebhookOpsLog log = new FileAndWebhookOpsLog(dir.resolve("ops.log"), event -> { },
        hook(), 1, Duration.ofMillis(10), secret)) {
      log.record(head);
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    String expected = "sha256=" + HexFormat.of().formatHex(
        mac.doFinal(bodies.get(0).getBytes(StandardCharsets.UTF_8)));
    assertThat(signatures).containsExactly(expected);
    assertThat(bodies.get(0)).contains("\"kind\":\"JOURNAL_HEAD\"",
        "\"detail\":\"seq=123 hash=" + "ab".repeat(32) + "\"");
    assertThat(head.line()).isEqualTo("2026-11-25T03:00:00Z system: dc-switchover run-1 journal head:"
        + " seq=123 hash=" + "ab".repeat(32));
  }

  @Test
  void withoutASecretNothingIsSigned() throws Exception {
    try (FileAndWebhookOpsLog log = new FileAndWebhookOpsLog(dir.resolve("ops.log"), hook(), 1,
        Duration.ofMillis(10))) {
      log.record(STARTED);
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(signatures).containsExactly("none");
  }
}
