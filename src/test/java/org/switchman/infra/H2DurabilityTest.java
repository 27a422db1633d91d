package org.switchman.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The engine database keeps every commit it acknowledged when the process is killed: a child JVM
 * opens an H2 file with the application's datasource URL, commits rows one at a time, reports each
 * once its commit returned, and halts right after the last one (as kill -9 would, no shutdown hook
 * runs). The file, opened again, holds every reported row. And a commit from an interrupted thread
 * (a step interrupted by a stop records its failure) leaves the database open.
 */
class H2DurabilityTest {

  static final int ROWS = 50;

  @Test
  void everyAcknowledgedCommitSurvivesAHaltedJvm() throws Exception {
    String file = engineUrl("h2-halt-");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CommitThenHalt.class.getName(),
                file)
            .redirectErrorStream(true)
            .start();
    int acknowledged = 0;
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        output.append(line).append('\n');
        if (line.startsWith("committed ")) {
          acknowledged = Integer.parseInt(line.substring("committed ".length()));
        }
      }
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output.toString()).isEqualTo(CommitThenHalt.HALTED);
    assertThat(acknowledged).as(output.toString()).isEqualTo(ROWS);

    try (Connection db = DriverManager.getConnection(file, "sa", "");
        Statement query = db.createStatement();
        ResultSet rows = query.executeQuery("SELECT COUNT(*), MAX(I) FROM COMMITTED")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(acknowledged);
      assertThat(rows.getInt(2)).isEqualTo(acknowledged);
    }
  }

  @Test
  void aCommitFromAnInterruptedThreadLeavesTheDatabaseOpen() throws Exception {
    String file = engineUrl("h2-interrupt-");
    try (Connection db = DriverManager.getConnection(file, "sa", "");
        Statement statement = db.createStatement()) {
      statement.execute("CREATE TABLE COMMITTED (I INT PRIMARY KEY)");
    }
    Throwable[] failed = new Throwable[1];
    Thread interrupted =
        new Thread(
            () -> {
              try (Connection db = DriverManager.getConnection(file, "sa", "");
                  Statement insert = db.createStatement()) {
                db.setAutoCommit(false);
                insert.execute("INSERT INTO COMMITTED VALUES (1)");
                Thread.currentThread().interrupt();
                db.commit();
              } catch (Throwable e) {
                failed[0] = e;
              }
            });
    interrupted.start();
    interrupted.join();
    assertThat(failed[0]).as("the interrupted thread's commit").isNull();
    try (Connection db = DriverManager.getConnection(file, "sa", "");
        Statement statement = db.createStatement()) {
      statement.execute("INSERT INTO COMMITTED VALUES (2)");
      try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM COMMITTED")) {
        rows.next();
        assertThat(rows.getInt(1)).isEqualTo(2);
      }
    }
  }

  /** The application's engine URL (as the lab's), on a fresh data directory. */
  private static String engineUrl(String prefix) throws IOException {
    List<PropertySource<?>> yaml =
        new YamlPropertySourceLoader()
            .load("application", new FileSystemResource("src/main/resources/application.yaml"));
    String url = String.valueOf(yaml.get(0).getProperty("spring.datasource.url"));
    String labUrl = String.valueOf(yaml.get(1).getProperty("spring.datasource.url"));
    assertThat(url).contains(";WRITE_DELAY=0");
    assertThat(labUrl)
        .contains(";WRITE_DELAY=0")
        .isEqualTo(url.replace("/engine;", "/lab/engine;"));
    Path dir =
        Files.createDirectories(
            Path.of("target", "test-data", prefix + java.util.UUID.randomUUID()).toAbsolutePath());
    return url.replace("${switchman.data-dir}", dir.toString());
  }

  /** The child: commits {@value #ROWS} rows one by one, reporting each, then halts the JVM. */
  public static final class CommitThenHalt {

    static final int HALTED = 137;

    public static void main(String[] args) throws SQLException, IOException {
      try (Connection db = DriverManager.getConnection(args[0], "sa", "")) {
        try (Statement create = db.createStatement()) {
          create.execute("CREATE TABLE COMMITTED (I INT PRIMARY KEY)");
        }
        db.setAutoCommit(false);
        for (int i = 1; i <= ROWS; i++) {
          try (Statement insert = db.createStatement()) {
            insert.execute("INSERT INTO COMMITTED VALUES (" + i + ")");
          }
          db.commit();
          System.out.println("committed " + i);
          System.out.flush();
        }
        Runtime.getRuntime().halt(HALTED);
      }
    }
  }
}
