package org.switchman.infra.opslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.switchman.audit.JournalChain;
import org.switchman.audit.JournalHead;
import org.switchman.audit.OpsEvent;

/**
 * The ops log on a real H2 database and a real HTTP receiver: outbox, file, webhook, drops, stop.
 */
class FileAndWebhookOpsLogTest {

  @TempDir Path dir;

  private HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> signatures = new CopyOnWriteArrayList<>();
  private volatile int failFirst;
  private volatile long answerAfterMillis;

  private JdbcTemplate jdbc;
  private DataSourceTransactionManager transactions;
  private JdbcOpsLogStore store;
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

  private static final OpsEvent STARTED =
      new OpsEvent(
          Instant.parse("2026-11-25T02:40:00Z"),
          OpsEvent.Kind.RUN_STARTED,
          "dc-switchover",
          "run-1",
          "alice",
          "planned switchover",
          "T12345",
          "Datacenter switchover");

  @BeforeEach
  void webhookAndDatabase() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          int call = calls.incrementAndGet();
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          String signature =
              exchange.getRequestHeaders().getFirst(FileAndWebhookOpsLog.SIGNATURE_HEADER);
          signatures.add(signature == null ? "none" : signature);
          try {
            Thread.sleep(answerAfterMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.sendResponseHeaders(call <= failFirst ? 503 : 204, -1);
          exchange.close();
        });
    server.start();
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:opslog-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    jdbc = new JdbcTemplate(dataSource);
    transactions = new DataSourceTransactionManager(dataSource);
    store = new JdbcOpsLogStore(jdbc);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI hook() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  private FileAndWebhookOpsLog log(Path file, URI webhook, Duration firstPause) {
    return log(file, webhook, firstPause, Duration.ofDays(3650), null, () -> "seq=0 hash=none");
  }

  private FileAndWebhookOpsLog log(
      Path file,
      URI webhook,
      Duration firstPause,
      Duration giveUpAfter,
      byte[] secret,
      Supplier<String> journalHead) {
    FileAndWebhookOpsLog.Webhook hook =
        webhook == null
            ? null
            : new FileAndWebhookOpsLog.Webhook(
                webhook, secret, firstPause, Duration.ofSeconds(1), giveUpAfter);
    // a long poll: the deliverers must be woken by the commits, not find the lines by polling
    return new FileAndWebhookOpsLog(
        store,
        transactions,
        file,
        hook,
        journalHead,
        metrics,
        Clock.systemUTC(),
        Duration.ofSeconds(30));
  }

  private static OpsEvent line(int i) {
    return new OpsEvent(
        Instant.now(),
        OpsEvent.Kind.PHASE_STARTED,
        "dc-switchover",
        "run-1",
        "alice",
        null,
        null,
        "phase " + i);
  }

  private void inTransaction(Runnable work) {
    new TransactionTemplate(transactions).executeWithoutResult(status -> work.run());
  }

  private List<String> tableDetails() {
    return jdbc.queryForList("SELECT DETAIL FROM SWITCHMAN_OPS_LOG ORDER BY ID", String.class);
  }

  private double dropped(String sink) {
    var counter = metrics.find(FileAndWebhookOpsLog.DROPPED).tag("sink", sink).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aLineReadsLikeTheServerAdminLog() {
    assertThat(STARTED.line())
        .isEqualTo(
            "2026-11-25T02:40:00Z alice: dc-switchover run-1 run started:"
                + " Datacenter switchover (T12345: planned switchover)");
  }

  @Test
  void aLoginLineNamesNoRun() {
    OpsEvent throttled =
        new OpsEvent(
            Instant.parse("2026-11-25T02:40:00Z"),
            OpsEvent.Kind.LOGIN_THROTTLED,
            null,
            null,
            null,
            null,
            null,
            "192.0.2.7: 10 failed logins");
    assertThat(throttled.line())
        .isEqualTo("2026-11-25T02:40:00Z system: login throttled: 192.0.2.7: 10 failed logins");
  }

  @Test
  void twoNodesOnOneDatabaseWriteEachLineToOneFileAndPostItOnceInOrder() throws Exception {
    Path fileA = dir.resolve("node-a/ops.log");
    Path fileB = dir.resolve("node-b/ops.log");
    int lines = 300;
    try (FileAndWebhookOpsLog nodeA = log(fileA, hook(), Duration.ofMillis(10));
        FileAndWebhookOpsLog nodeB = log(fileB, hook(), Duration.ofMillis(10))) {
      for (int i = 0; i < lines; i++) {
        // each commit wakes both nodes' deliverers
        (i % 2 == 0 ? nodeA : nodeB).record(line(i));
      }
      assertThat(nodeA.drain(Duration.ofSeconds(30))).isTrue();
    }
    List<String> written = new java.util.ArrayList<>();
    for (Path file : List.of(fileA, fileB)) {
      if (Files.exists(file)) {
        written.addAll(Files.readAllLines(file));
      }
    }
    assertThat(written).as("every line in one file, once").hasSize(lines).doesNotHaveDuplicates();
    assertThat(bodies).as("every line POSTed once").hasSize(lines);
    List<String> posted =
        bodies.stream()
            .map(body -> body.replaceAll(".*\"detail\":\"(phase \\d+)\".*", "$1"))
            .toList();
    List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < lines; i++) {
      expected.add("phase " + i);
    }
    assertThat(posted).as("in order").isEqualTo(expected);
  }

  @Test
  void retentionForgetsOldLinesOnceWrittenAndDelivered() throws Exception {
    Path file = dir.resolve("ops.log");
    OpsEvent old =
        new OpsEvent(
            Instant.now().minus(Duration.ofDays(400)),
            OpsEvent.Kind.PHASE_STARTED,
            "dc-switchover",
            "run-0",
            "alice",
            null,
            null,
            "phase 0");
    try (FileAndWebhookOpsLog log = log(file, null, Duration.ofMillis(10))) {
      log.record(old);
      log.record(line(1));
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    // a line still waiting for the webhook is kept whatever its age
    jdbc.update(
        "INSERT INTO SWITCHMAN_OPS_LOG (AT_MICROS, KIND, WRITTEN) VALUES (1, 'PHASE_STARTED', TRUE)");
    long waiting = jdbc.queryForObject("SELECT MAX(ID) FROM SWITCHMAN_OPS_LOG", Long.class);
    jdbc.update("INSERT INTO SWITCHMAN_OPS_LOG_WEBHOOK (LINE_ID) VALUES (?)", waiting);

    int forgotten =
        store.forgetOlderThan(JournalChain.micros(Instant.now().minus(Duration.ofDays(365))));

    assertThat(forgotten).isEqualTo(1);
    assertThat(tableDetails()).containsExactly("phase 1", null);
    assertThat(Files.readAllLines(file)).as("the file is the host's to rotate").hasSize(2);
  }

  @Test
  void linesGoToTheTableTheFileAndInOrderToTheWebhookWithRetries() throws Exception {
    failFirst = 2;
    Path file = dir.resolve("logs/ops.log");
    try (FileAndWebhookOpsLog log = log(file, hook(), Duration.ofMillis(10))) {
      log.record(STARTED);
      log.record(line(2));
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(Files.readAllLines(file)).hasSize(2);
    assertThat(Files.readAllLines(file).get(0)).isEqualTo(STARTED.line());
    assertThat(Files.readAllLines(file).get(1))
        .endsWith("alice: dc-switchover run-1 phase started: phase 2");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .as("the ops log names users and tickets: owner only")
        .isEqualTo("rw-------");
    assertThat(tableDetails()).containsExactly("Datacenter switchover", "phase 2");
    assertThat(calls).as("two failed tries of the first line, then one each").hasValue(4);
    assertThat(bodies.get(2))
        .contains(
            "\"kind\":\"RUN_STARTED\"", "\"ticket\":\"T12345\"", "\"at\":\"2026-11-25T02:40:00Z\"");
    assertThat(bodies.get(3)).contains("\"detail\":\"phase 2\"");
    assertThat(store.webhookCount()).isZero();
  }

  @Test
  void aLineExistsExactlyWhenItsTransactionCommits() throws Exception {
    Path file = dir.resolve("ops.log");
    try (FileAndWebhookOpsLog log = log(file, hook(), Duration.ofMillis(10))) {
      new TransactionTemplate(transactions)
          .executeWithoutResult(
              status -> {
                log.record(line(1));
                status.setRollbackOnly();
              });
      inTransaction(() -> log.record(line(2)));
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(Files.readAllLines(file)).hasSize(1).allMatch(l -> l.endsWith("phase 2"));
    assertThat(tableDetails()).containsExactly("phase 2");
    assertThat(bodies).hasSize(1).allMatch(b -> b.contains("\"detail\":\"phase 2\""));
  }

  /**
   * A webhook that accepts connections and never answers holds up neither the file nor the table.
   */
  @Test
  void aSilentWebhookNeverHoldsUpTheFileOrTheTable() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!silent.isClosed()) {
                  try {
                    held.add(silent.accept());
                  } catch (IOException closed) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/hook");
      Path file = dir.resolve("ops.log");
      try (FileAndWebhookOpsLog log = log(file, url, Duration.ofMillis(10))) {
        for (int i = 1; i <= 5; i++) {
          int n = i;
          long before = System.nanoTime();
          inTransaction(() -> log.record(line(n)));
          assertThat(Duration.ofNanos(System.nanoTime() - before))
              .as("recording")
              .isLessThan(Duration.ofMillis(200));
          long committed = System.nanoTime();
          while (!Files.exists(file) || Files.readAllLines(file).size() < n) {
            assertThat(Duration.ofNanos(System.nanoTime() - committed))
                .as("line %d reaches the file within 1 s of its commit", n)
                .isLessThan(Duration.ofSeconds(1));
            Thread.sleep(5);
          }
          assertThat(tableDetails()).hasSize(n).last().isEqualTo("phase " + n);
          Thread.sleep(300);
        }
        assertThat(held).as("the webhook was tried").isNotEmpty();
        assertThat(store.webhookCount()).as("all still wait for the webhook").isEqualTo(5);
      }
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  /**
   * 200 lines waiting for a slow webhook, a stop, a start: all in file and table, all delivered.
   */
  @Test
  void aStopWritesEveryWaitingLineAndTheNextStartDeliversTheRestToTheWebhook() throws Exception {
    answerAfterMillis = 100;
    Path file = dir.resolve("ops.log");
    try (FileAndWebhookOpsLog log = log(file, hook(), Duration.ofMillis(10))) {
      for (int i = 1; i <= 200; i++) {
        int n = i;
        inTransaction(() -> log.record(line(n)));
      }
    }
    assertThat(Files.readAllLines(file)).hasSize(200);
    assertThat(Files.readAllLines(file).get(199)).endsWith("phase 200");
    assertThat(tableDetails()).hasSize(200);
    assertThat(store.webhookCount()).as("a slow webhook has not had them all").isPositive();
    int deliveredBeforeStop = bodies.size();
    assertThat(deliveredBeforeStop).isLessThan(200);

    answerAfterMillis = 0;
    try (FileAndWebhookOpsLog restarted = log(file, hook(), Duration.ofMillis(10))) {
      assertThat(restarted.drain(Duration.ofSeconds(30))).isTrue();
    }
    Set<String> delivered = new TreeSet<>();
    for (String body : bodies) {
      delivered.add(body.replaceAll(".*\"detail\":\"(phase \\d+)\".*", "$1"));
    }
    assertThat(delivered).hasSize(200);
    assertThat(bodies.size())
        .as("at most the delivery cut short by the stop is made twice")
        .isLessThanOrEqualTo(201);
    assertThat(Files.readAllLines(file)).as("no line written twice").hasSize(200);
    assertThat(dropped("webhook")).isZero();
  }

  @Test
  void aLineTheWebhookNeverTakesIsDroppedWithAWarningAndCounted() throws Exception {
    failFirst = Integer.MAX_VALUE;
    Path file = dir.resolve("ops.log");
    try (FileAndWebhookOpsLog log =
        log(file, hook(), Duration.ofMillis(20), Duration.ofMillis(500), null, () -> "")) {
      log.record(line(1));
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(calls.get()).isGreaterThan(1);
    assertThat(dropped("webhook")).isEqualTo(1);
    assertThat(Files.readAllLines(file)).as("the file still has it").hasSize(1);
  }

  @Test
  void aLineThatCannotBeStoredIsCountedAndNeverFailsTheCaller() throws Exception {
    try (FileAndWebhookOpsLog log = log(dir.resolve("ops.log"), null, Duration.ofMillis(10))) {
      jdbc.execute("DROP TABLE SWITCHMAN_OPS_LOG");
      log.record(line(1));
    }
    assertThat(dropped("table")).isEqualTo(1);
  }

  @Test
  void theJournalHeadLineIsFilledInWhenItIsWritten() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    String head = new JournalHead(42, "cd".repeat(32)).toString();
    Path file = dir.resolve("ops.log");
    try (FileAndWebhookOpsLog log =
        log(
            file,
            hook(),
            Duration.ofMillis(10),
            Duration.ofDays(3650),
            null,
            () -> {
              asked.incrementAndGet();
              return head;
            })) {
      inTransaction(
          () ->
              log.record(
                  OpsEvent.journalHeadToCome(
                      Instant.parse("2026-11-25T03:00:00Z"), "dc-switchover", "run-1")));
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(asked).hasValue(1);
    assertThat(Files.readAllLines(file))
        .containsExactly(
            "2026-11-25T03:00:00Z system: dc-switchover"
                + " run-1 journal head: seq=42 hash="
                + "cd".repeat(32));
    assertThat(tableDetails()).containsExactly(head);
    assertThat(bodies).hasSize(1);
    assertThat(bodies.get(0)).contains("\"detail\":\"" + head + "\"");
  }

  @Test
  void withASecretEachDeliveryIsSignedOverItsExactBody() throws Exception {
    byte[] secret = "webhook-secret-of-the-receiver".getBytes(StandardCharsets.UTF_8);
    OpsEvent head =
        OpsEvent.journalHead(
            Instant.parse("2026-11-25T03:00:00Z"),
            "dc-switchover",
            "run-1",
            new JournalHead(123, "ab".repeat(32)));
    try (FileAndWebhookOpsLog log =
        log(
            dir.resolve("ops.log"),
            hook(),
            Duration.ofMillis(10),
            Duration.ofDays(3650),
            secret,
            () -> "unused")) {
      log.record(head);
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    String expected =
        "sha256="
            + HexFormat.of().formatHex(mac.doFinal(bodies.get(0).getBytes(StandardCharsets.UTF_8)));
    assertThat(signatures).containsExactly(expected);
    assertThat(bodies.get(0))
        .contains(
            "\"kind\":\"JOURNAL_HEAD\"", "\"detail\":\"seq=123 hash=" + "ab".repeat(32) + "\"");
    assertThat(head.line())
        .isEqualTo(
            "2026-11-25T03:00:00Z system: dc-switchover run-1 journal head:"
                + " seq=123 hash="
                + "ab".repeat(32));
  }

  @Test
  void withoutASecretNothingIsSigned() throws Exception {
    try (FileAndWebhookOpsLog log = log(dir.resolve("ops.log"), hook(), Duration.ofMillis(10))) {
      log.record(STARTED);
      assertThat(log.drain(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(signatures).containsExactly("none");
  }
}
