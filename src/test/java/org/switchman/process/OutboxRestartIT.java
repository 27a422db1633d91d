package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.switchman.SwitchmanApplication;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.config.JournalKey;
import org.switchman.infra.opslog.FileAndWebhookOpsLog;
import org.switchman.support.Rest;

/**
 * What the engine committed is never lost by the ops log or the journal, across a stop and a start
 * of the application on one data directory:
 *
 * <ul>
 *   <li>with a webhook that accepts connections and never answers, every line of a run reaches the
 *       ops log file and {@code SWITCHMAN_OPS_LOG} within 1 s of its commit;
 *   <li>a decision whose journal entry cannot be written when it commits (another session holds the
 *       journal's head, through the stop) is answered 204, and its {@code DECISION} entry is there
 *       after the next start;
 *   <li>200 lines waiting for that webhook at a graceful stop are all in the file and the table
 *       after the stop, and the webhook gets them after the next start.
 * </ul>
 */
class OutboxRestartIT {

  private static final String GO = Rest.go("checked");
  private static final String FIXTURE_START =
      "{\"variables\":{\"reason\":{\"value\":\"outbox check\"},\"ticket\":{\"value\":\"T9\"}}}";
  private static final String MANY = "many-lines";

  private final Path dataDir =
      Path.of("target", "test-data", "outbox-" + UUID.randomUUID()).toAbsolutePath();

  private ConfigurableApplicationContext start(String webhookUrl) throws IOException {
    Path key = dataDir.resolve("journal.key");
    if (!Files.exists(key)) {
      Files.createDirectories(
          dataDir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      JournalKey.generate(key);
    }
    // as command line arguments, which take precedence over the profile's settings
    return new SpringApplicationBuilder(SwitchmanApplication.class)
        .profiles("lab")
        .run(
            "--server.port=0",
            "--switchman.data-dir=" + dataDir,
            "--switchman.lab.servers=false",
            "--switchman.journal.key-file=" + key,
            "--switchman.ops-log.webhook-url=" + webhookUrl,
            "--switchman.ops-log.webhook-first-pause=100ms");
  }

  private static int port(ConfigurableApplicationContext app) {
    return ((ServletWebServerApplicationContext) app).getWebServer().getPort();
  }

  private List<String> fileLines() throws IOException {
    Path file = dataDir.resolve("ops.log");
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  /** Waits at most a second for a line in the file and in the table, both matching. */
  private void withinOneSecond(ConfigurableApplicationContext app, String run, String text)
      throws Exception {
    long committed = System.nanoTime();
    Predicate<String> matches = line -> line.contains(run) && line.contains(text);
    while (true) {
      boolean inFile = fileLines().stream().anyMatch(matches);
      boolean inTable =
          app.getBean(org.switchman.audit.OpsLogReader.class).page(run, 0, 500).events().stream()
              .anyMatch(event -> matches.test(event.line()));
      if (inFile && inTable) {
        return;
      }
      assertThat(Duration.ofNanos(System.nanoTime() - committed))
          .as(
              "'%s' in the file (%s) and the table (%s) within 1 s of its commit",
              text, inFile, inTable)
          .isLessThan(Duration.ofSeconds(1));
      Thread.sleep(10);
    }
  }

  private static String openTask(Rest admin, String run, String key) {
    return admin
        .get("/engine-rest/task?processInstanceId=" + run + "&taskDefinitionKey=" + key)
        .json()
        .get(0)
        .get("id")
        .asText();
  }

  @Test
  void whatCommittedIsInTheOpsLogAndTheJournalAfterAStopAndAStart() throws Exception {
    String decisionRun;
    String url;
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
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
      ConfigurableApplicationContext app =
          start("http://127.0.0.1:" + silent.getLocalPort() + "/hook");
      url = app.getEnvironment().getProperty("spring.datasource.url");
      Connection journalHolder = null;
      try {
        int port = port(app);
        Rest admin = Rest.as(port, "admin", "demo");

        // a run's lines, each within 1 s of its commit, while the webhook never answers
        Rest.Reply started =
            Rest.as(port, "alice", "demo")
                .post("/engine-rest/process-definition/key/four-eyes-check/start", FIXTURE_START);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        String run = started.json().get("id").asText();
        withinOneSecond(app, run, "run started");
        assertThat(
                Rest.as(port, "bob", "demo")
                    .post(
                        "/engine-rest/task/"
                            + openTask(admin, run, "UserTask_FirstGate")
                            + "/complete",
                        GO)
                    .status())
            .isEqualTo(204);
        withinOneSecond(app, run, "decision: GO at 'First GO/NOGO'");
        assertThat(
                Rest.as(port, "dave", "demo")
                    .post(
                        "/engine-rest/task/"
                            + openTask(admin, run, "UserTask_SecondGate")
                            + "/complete",
                        GO)
                    .status())
            .isEqualTo(204);
        withinOneSecond(app, run, "decision: GO at 'Final GO/NOGO'");
        withinOneSecond(app, run, "run ended");
        withinOneSecond(app, run, "journal head: seq=");
        assertThat(held).as("the webhook was tried").isNotEmpty();

        // a decision whose journal entry cannot be written when it commits
        Rest.Reply decisionStarted =
            Rest.as(port, "alice", "demo")
                .post("/engine-rest/process-definition/key/decision-check/start", FIXTURE_START);
        decisionRun = decisionStarted.json().get("id").asText();
        String task = openTask(admin, decisionRun, "UserTask_DecideOnFailure");
        journalHolder = DriverManager.getConnection(url, "sa", "");
        journalHolder.setAutoCommit(false);
        try (Statement statement = journalHolder.createStatement()) {
          statement
              .executeQuery("SELECT LAST_SEQ FROM SWITCHMAN_JOURNAL_HEAD WHERE ID = 1 FOR UPDATE")
              .close();
        }
        Rest.Reply decided =
            Rest.as(port, "alice", "demo")
                .post(
                    "/engine-rest/task/" + task + "/submit-form",
                    "{\"variables\":{\"decision\":{\"value\":\"skip\"},\"justification\":{\"value\":\"known fault\"}}}");
        assertThat(decided.status()).as(decided.body()).isEqualTo(204);
        String decidedRun = decisionRun;
        assertThat(app.getBean(Journal.class).entriesOfRun(decidedRun))
            .noneMatch(entry -> entry.kind().equals("DECISION"));

        // 200 lines that the webhook has not taken when the application stops
        OpsLog opsLog = app.getBean(OpsLog.class);
        TransactionTemplate transaction =
            new TransactionTemplate(app.getBean(PlatformTransactionManager.class));
        for (int i = 1; i <= 200; i++) {
          OpsEvent line =
              new OpsEvent(
                  Instant.now(),
                  OpsEvent.Kind.PHASE_STARTED,
                  "outbox-check",
                  MANY,
                  "alice",
                  null,
                  null,
                  "line " + i);
          transaction.executeWithoutResult(status -> opsLog.record(line));
        }
      } finally {
        app.close();
        if (journalHolder != null) {
          journalHolder.rollback();
          journalHolder.close();
        }
        for (Socket socket : held) {
          socket.close();
        }
      }
    }

    // after the graceful stop: all 200 in the file and in the table
    assertThat(fileLines().stream().filter(line -> line.contains(" " + MANY + " "))).hasSize(200);
    try (Connection db = DriverManager.getConnection(url, "sa", "");
        Statement statement = db.createStatement();
        ResultSet count =
            statement.executeQuery(
                "SELECT COUNT(*) FROM SWITCHMAN_OPS_LOG WHERE RUN_ID = '" + MANY + "'")) {
      count.next();
      assertThat(count.getLong(1)).isEqualTo(200);
    }

    // the next start, with a webhook that answers
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    ConfigurableApplicationContext restarted =
        start("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    try {
      Journal journal = restarted.getBean(Journal.class);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      String run = decisionRun;
      while (journal.entriesOfRun(run).stream().noneMatch(e -> e.kind().equals("DECISION"))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      List<JournalEntry> decisions =
          journal.entriesOfRun(run).stream()
              .filter(entry -> entry.kind().equals("DECISION"))
              .toList();
      assertThat(decisions).hasSize(1);
      assertThat(decisions.get(0).actor()).isEqualTo("alice");
      assertThat(decisions.get(0).outcome()).isEqualTo("SKIP");
      assertThat(decisions.get(0).output()).isEqualTo("known fault");
      assertThat(journal.verify(true).intact()).isTrue();

      assertThat(restarted.getBean(FileAndWebhookOpsLog.class).drain(Duration.ofSeconds(60)))
          .isTrue();
      Set<String> delivered = new TreeSet<>();
      for (String body : bodies) {
        if (body.contains("\"runId\":\"" + MANY + "\"")) {
          delivered.add(body.replaceAll(".*\"detail\":\"(line \\d+)\".*", "$1"));
        }
      }
      assertThat(delivered).hasSize(200);
      assertThat(bodies)
          .anyMatch(
              body ->
                  body.contains("\"runId\":\"" + run + "\"")
                      && body.contains("\"kind\":\"DECISION\""));
      assertThat(fileLines().stream().filter(line -> line.contains(" " + MANY + " ")))
          .as("no line written to the file twice")
          .hasSize(200);
    } finally {
      restarted.close();
      receiver.stop(0);
    }
  }
}
