package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The throwaway PostgreSQL of the lab goes away whole, even frozen: closing it while its server and
 * its sessions are stopped (a test that failed between freeze and thaw) leaves no process.
 */
class LabPostgresIT {

  @Test
  void aFrozenServerWithOpenSessionsIsStoppedWithEveryProcessItStarted() throws Exception {
    Path dir = Files.createTempDirectory("switchman-pg-");
    Files.delete(dir);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    LabPostgres postgres = LabPostgres.start(dir, port);
    List<Connection> sessions = new ArrayList<>();
    List<ProcessHandle> processes;
    try {
      Properties login = new Properties();
      login.setProperty("user", LabPostgres.USER);
      login.setProperty("password", Files.readString(postgres.passwordFile()).strip());
      for (int i = 0; i < 3; i++) {
        sessions.add(DriverManager.getConnection(postgres.jdbcUrl(), login));
      }
      processes = ProcessHandle.of(postgres.pid()).orElseThrow().descendants().toList();
      assertThat(processes).as("the server's own processes and the sessions").hasSizeGreaterThan(3);

      postgres.freeze(true);
    } finally {
      postgres.close();
    }

    assertThat(ProcessHandle.of(postgres.pid())).as("the server").isEmpty();
    assertThat(processes).as("its processes").noneMatch(ProcessHandle::isAlive);
    assertThat(dir).doesNotExist();
  }
}
