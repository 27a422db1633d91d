package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A lab whose directory lies deeper than a Unix socket path may be long (107 bytes) starts, with
 * its sockets in the short socket directory, and a socket directory left by a lab whose JVM and
 * watchdog were both killed does not stop the next start. A started lab's masters already hold
 * their own heartbeats.
 */
class LabLongPathIT {

  private static final List<String> SECTIONS = List.of("s1", "s2");
  private static final int SMALL_FLEET = 46;
  private static final int SUN_PATH_MAX = 107;

  @Test
  void startsFromADirectoryWhosePathIsLongerThan150Characters() throws Exception {
    Path dir =
        Path.of("target")
            .toAbsolutePath()
            .resolve("lab-long-path")
            .resolve("d".repeat(60))
            .resolve("e".repeat(60))
            .resolve("lab");
    assertThat(dir.toString().length()).isGreaterThan(150);
    // a dead lab in the same directory: its JVM and watchdog were killed, its sockets remain
    Path sockets = LabSocketDir.of(dir);
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    LabFiles.deleteTree(sockets);
    Files.createDirectory(sockets);
    Files.writeString(sockets.resolve("owner"), "pid " + gone.pid() + "\n1\n" + dir + "\n");
    Files.writeString(sockets.resolve("mysql-s1-eqiad.sock"), "");

    Lab lab =
        LabSlots.start(
            slot ->
                LabConfig.forTests(Path.of("target"))
                    .relocated(dir, "127." + (80 + slot), 4000 + 400 * slot)
                    .withSections(SECTIONS)
                    .withFleetSize(SMALL_FLEET),
            5);
    LabConfig config = lab.config();
    try {
      // the moment the lab is up, every master holds a heartbeat of its own
      for (String section : SECTIONS) {
        for (String dc : LabTopology.DATACENTERS) {
          String own =
              "SELECT datacenter, shard FROM heartbeat.heartbeat WHERE server_id = "
                  + lab.mysqlServerId(section, dc);
          assertThat(Cli.mysql(lab, section, dc, own).out().strip()).isEqualTo(dc + "\t" + section);
        }
      }
      assertThat(config.socketDir()).isEqualTo(sockets);
      // its MariaDB ports lie in the kernel's ephemeral range: the lab (root here) reserved them
      assertThat(Lab.ports(config)).anyMatch(port -> port > 32768);
      assertThat(EphemeralPorts.exposed(Lab.ports(config))).isEmpty();
      assertThat(Files.readString(sockets.resolve("owner")))
          .startsWith("pid " + ProcessHandle.current().pid() + "\n");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sockets)))
          .isEqualTo("rwx------");
      for (String section : SECTIONS) {
        for (String dc : LabTopology.DATACENTERS) {
          Path socket = lab.mysqlSocket(section, dc);
          assertThat(socket.getParent()).isEqualTo(sockets);
          assertThat(socket.toString().getBytes(StandardCharsets.UTF_8).length)
              .isLessThanOrEqualTo(SUN_PATH_MAX);
          // where it would have been: too long for a socket
          assertThat(
                  config
                      .runDir()
                      .resolve("mysql")
                      .resolve(section + "-" + dc)
                      .resolve("mysqld.sock")
                      .toString()
                      .length())
              .isGreaterThan(SUN_PATH_MAX);
          Cli.Result viaSocket =
              Cli.run(
                  List.of(
                      "mysql",
                      "--socket=" + socket,
                      "-u",
                      lab.mysqlAdminUser(),
                      "--batch",
                      "--skip-column-names",
                      "-e",
                      "SELECT @@socket, @@server_id"),
                  null,
                  Map.of("MYSQL_PWD", lab.mysqlAdminPassword()),
                  Duration.ofSeconds(30));
          assertThat(viaSocket.exit()).as(viaSocket.all()).isZero();
          assertThat(viaSocket.out().strip())
              .isEqualTo(socket + "\t" + lab.mysqlServerId(section, dc));
        }
      }
      String host = lab.topology().hosts().get(0).fqdn();
      Cli.Result ssh = Cli.ssh(lab, host, "hostname -f");
      assertThat(ssh.exit()).as(ssh.all()).isZero();
      assertThat(ssh.out().strip()).isEqualTo(host);
      assertThat(
              Cli.etcdctl(
                      lab,
                      "get",
                      "--print-value-only",
                      "/conftool/v1/mediawiki-config/common/WMFMasterDatacenter")
                  .out()
                  .strip())
          .isEqualTo("{\"val\":\"eqiad\"}");
      assertThat(Cli.dig(lab, "discovery.wmnet", "SOA").out()).contains("SOA");
    } finally {
      lab.close();
    }

    assertThat(sockets).doesNotExist();
    assertThat(config.runDir()).doesNotExist();
    assertThat(config.envFile()).doesNotExist();
  }
}
