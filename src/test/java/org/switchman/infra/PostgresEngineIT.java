package org.switchman.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import org.switchman.lab.LabPostgres;
import org.switchman.support.ChildApp;
import org.switchman.support.Rest;

/**
 * The application on a real PostgreSQL, as the {@code postgres} profile runs it (the URL, user and
 * the password file of a config tree, as an operator sets them): on an empty database it creates
 * the engine's schema and Switchman's tables and deploys the runbooks; started again on the same
 * database, it deploys nothing twice and its journal's chain is intact; a database that stops
 * answering fails a request within the timeouts instead of hanging it, and the application serves
 * again once the database answers. The cluster is a throwaway one ({@link LabPostgres}), gone with
 * its directory afterwards.
 */
class PostgresEngineIT {

  private static final Duration START_LIMIT = Duration.ofSeconds(120);

  @Test
  void startsOnAnEmptyDatabaseAndAgainOnItsOwnSchema() throws Exception {
    // under /tmp: the cluster's user must reach its directory, whatever the checkout's parents
    // allow
    Path dir = Files.createTempDirectory("switchman-pg-");
    Files.delete(dir);
    LabPostgres postgres = LabPostgres.start(dir, freePort());
    Path secrets =
        Files.createTempDirectory(
            Path.of("target"),
            "pg-secrets",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    ChildApp app = null;
    try {
      Files.copy(postgres.passwordFile(), secrets.resolve("spring.datasource.password"));
      app =
          ChildApp.withOwnLab(
              Map.of(
                  "spring.profiles.active",
                  "lab,postgres",
                  "switchman.lab.servers",
                  "false",
                  "SWITCHMAN_DB_URL",
                  postgres.jdbcUrl(),
                  "SWITCHMAN_DB_USER",
                  LabPostgres.USER,
                  "SWITCHMAN_SECRETS_DIR",
                  secrets.toString()));
      app.startAndAwaitHealthy(Map.of(), START_LIMIT);
      Rest admin = Rest.as(app.port(), "admin", "demo");
      assertThat(admin.get("/engine-rest/process-definition?key=dc-switchover").json().size())
          .isEqualTo(1);
      assertThat(admin.get("/engine-rest/decision-definition?key=ServiceCatalogue").json().size())
          .isEqualTo(1);
      assertThat(count(postgres, "SELECT COUNT(*) FROM act_re_deployment")).isEqualTo(1);
      long deployed =
          count(postgres, "SELECT COUNT(*) FROM switchman_journal WHERE kind = 'DEPLOYMENT'");
      assertThat(deployed).as("the deployment is journaled in PostgreSQL").isEqualTo(1);

      assertThat(app.stop(Duration.ofSeconds(60)))
          .as("stopped by SIGTERM, not killed")
          .isEqualTo(143);
      // the second start with a short read timeout, for the frozen database below
      app.startAndAwaitHealthy(
          Map.of(
              "SWITCHMAN_DB_SOCKET_TIMEOUT", "3",
              "SWITCHMAN_DB_CONNECT_TIMEOUT", "2",
              "spring.datasource.hikari.connection-timeout", "4000"),
          START_LIMIT);
      assertThat(count(postgres, "SELECT COUNT(*) FROM act_re_deployment"))
          .as("nothing deployed again")
          .isEqualTo(1);
      assertThat(
              count(postgres, "SELECT COUNT(*) FROM switchman_journal WHERE kind = 'DEPLOYMENT'"))
          .isEqualTo(deployed);
      JsonNode verification =
          Rest.as(app.port(), "admin", "demo")
              .get("/switchman/api/journal/verify?full=true")
              .json();
      assertThat(verification.path("intact").asBoolean()).as(verification.toString()).isTrue();
      assertThat(verification.path("checked").asLong()).isPositive();

      // a database that stops answering (every PostgreSQL process frozen): a request fails within
      // the timeouts instead of hanging, and the application serves again once it answers
      String definitions = "/engine-rest/process-definition?key=dc-switchover";
      postgres.freeze(true);
      Rest.Reply frozen;
      long asked = System.nanoTime();
      try {
        frozen = admin.get(definitions);
      } finally {
        postgres.freeze(false);
      }
      Duration waited = Duration.ofNanos(System.nanoTime() - asked);
      assertThat(frozen.status()).as(frozen.body()).isEqualTo(503);
      assertThat(frozen.json().path("type").asText()).isEqualTo("EngineDatabaseUnavailable");
      assertThat(waited)
          .as("bounded by the pool's 4 s and the 3 s read")
          .isLessThan(Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (admin.get(definitions).status() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      assertThat(admin.get(definitions).status()).isEqualTo(200);
      System.out.printf(
          "frozen database: answered %d after %d ms, serving again after %d ms%n",
          frozen.status(),
          waited.toMillis(),
          Duration.ofNanos(System.nanoTime() - asked).toMillis());
    } finally {
      if (app != null) {
        app.close();
      }
      FileSystemUtils.deleteRecursively(secrets);
      postgres.close();
    }
    assertThat(postgres.running()).isFalse();
    assertThat(ProcessHandle.of(postgres.pid())).isEmpty();
    assertThat(dir).doesNotExist();
  }

  private static long count(LabPostgres postgres, String sql) throws SQLException, IOException {
    try (Connection connection =
            DriverManager.getConnection(
                postgres.jdbcUrl(), LabPostgres.USER, Files.readString(postgres.passwordFile()));
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
