package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A lab whose MariaDB cannot start (its template datadir is broken) fails with the failing server's
 * name and the end of its log, stops everything else it started, and keeps its configuration and
 * logs.
 */
class LabFailureIT {

  private static final List<String> SECTIONS = List.of("s1", "s2");
  private static final int SMALL_FLEET = 46;

  @Test
  void aServerThatCannotStartFailsTheLabWithItsOwnErrorAndLogAndLeavesNoProcess() throws Exception {
    Path dir = Path.of("target/lab-failure").toAbsolutePath();
    Path templates = dir.resolve("broken-template");
    LabFiles.deleteTree(dir);
    IntFunction<LabConfig> slot =
        n ->
            brokenTemplateCache(
                LabConfig.forTests(Path.of("target"))
                    .relocated(dir.resolve("lab"), "127." + (85 + n), 4200 + 400 * n)
                    .withSections(SECTIONS)
                    .withFleetSize(SMALL_FLEET),
                templates);
    LabConfig config = LabSlots.firstFree(slot, 5);
    String version = Cli.run(List.of(RequiredPrograms.path("mariadbd"), "--version")).out();
    Path template = LabMariadb.cachedTemplate(config, version);
    Files.createDirectories(template.resolve("mysql"));
    Files.write(template.resolve("ibdata1"), new byte[4 << 20]); // zeros: no InnoDB in there

    Lab lab = new Lab(config);
    assertThatThrownBy(lab::start)
        .isInstanceOf(LabException.class)
        .hasMessageMatching(
            "(?s)the lab did not start: MariaDB s[12]-(eqiad|codfw): mariadbd"
                + " s[12]-(eqiad|codfw) exited with code \\d+; the end of its log "
                + config.runDir().resolve("mysql")
                + "/s[12]-(eqiad|codfw)/error.log:\n.*")
        .hasMessageContaining("Unknown/unsupported storage engine: InnoDB")
        .hasMessageEndingWith(
            "(the lab's configuration and logs are kept in "
                + config.runDir()
                + " until its next start)");
    assertThatThrownBy(lab::clientKeyFile)
        .isInstanceOf(LabException.class)
        .hasMessageStartingWith("the lab did not start: MariaDB s");

    assertThat(lab.isRunning()).isFalse();
    assertThat(processesUnder(config.runDir())).isEmpty();
    assertThat(config.runDir().resolve("mysql/s1-eqiad/error.log"))
        .content()
        .contains("Unknown/unsupported storage engine: InnoDB");
    assertThat(config.runDir().resolve("etcd/etcd.log")).exists();
    assertThat(config.socketDir()).doesNotExist();
    assertThat(config.envFile()).doesNotExist();
    assertThat(listening("127.0.0.1", config.etcdPort())).isFalse();
    assertThat(listening(new LabTopology(config).hosts().get(0).address(), config.sshPort()))
        .isFalse();
    lab.close();
    assertThat(config.runDir().resolve("mysql/s1-eqiad/error.log")).exists();
  }

  private static LabConfig brokenTemplateCache(LabConfig c, Path templates) {
    return new LabConfig(
        c.labDir(),
        templates,
        c.loopbackNetwork(),
        c.etcdPort(),
        c.etcdPeerPort(),
        c.dnsPort(),
        c.mysqlBasePort(),
        c.sshPort(),
        c.sections(),
        c.fleetSize(),
        c.discoveryTtl(),
        c.rebootDuration());
  }

  private static boolean listening(String address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** PIDs of live processes whose command line mentions the directory. */
  private static List<Long> processesUnder(Path dir) throws IOException {
    String needle = dir.toAbsolutePath().toString();
    List<Long> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.matches("\\d+")) {
          continue;
        }
        try {
          String cmdline =
              new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
          if (cmdline.contains(needle)) {
            found.add(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
    }
    return found;
  }
}
