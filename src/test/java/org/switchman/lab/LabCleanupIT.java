package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A stopped lab, and a lab whose JVM was killed with SIGKILL, leave no process, port, runtime
 * directory, socket directory or env file behind. (The lab uses no firewall rules, so there are
 * none to leave.) Each case runs its own small lab on its own ports and loopback network.
 */
class LabCleanupIT {

  private static final List<String> SECTIONS = List.of("s1", "s2");
  private static final int SMALL_FLEET = 46;

  @Test
  void closingTheLabStopsEverythingAndRemovesItsFiles() throws Exception {
    Lab lab =
        LabSlots.start(
            slot ->
                LabConfig.forTests(Path.of("target"))
                    .relocated(
                        Path.of("target/lab-cleanup-close"),
                        "127." + (60 + slot),
                        2000 + 400 * slot)
                    .withSections(SECTIONS)
                    .withFleetSize(SMALL_FLEET),
            5);
    LabConfig config = lab.config();
    List<Long> pids = lab.childPids();
    assertThat(pids).hasSizeGreaterThan(SECTIONS.size() * 4);
    assertThat(processesUnder(config.runDir())).isNotEmpty();
    assertThat(listening("127.0.0.1", config.etcdPort())).isTrue();

    lab.close();

    assertNothingLeft(config, pids);
  }

  @Test
  void killingTheJvmStopsEverythingAndRemovesItsFiles() throws Exception {
    Path dir = Path.of("target/lab-cleanup-kill").toAbsolutePath();
    LabConfig free =
        LabSlots.firstFree(
            slot ->
                LabConfig.forTests(Path.of("target"))
                    .relocated(dir, "127." + (70 + slot), 2200 + 400 * slot)
                    .withSections(SECTIONS)
                    .withFleetSize(SMALL_FLEET),
            5);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                Path.of("target/classes").toAbsolutePath().toString(),
                LabLauncher.class.getName(),
                "--tests",
                "target",
                "--relocate",
                dir.toString(),
                free.loopbackNetwork(),
                Integer.toString(
                    free.etcdPort() - LabConfig.forTests(Path.of("target")).etcdPort()),
                "--sections",
                String.join(",", SECTIONS),
                "--fleet-size",
                Integer.toString(SMALL_FLEET)));
    LabConfig config = LabLauncher.parse(command.subList(4, command.size()).toArray(String[]::new));
    Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null && !line.startsWith("LAB READY")) {
        seen.append(line).append('\n');
      }
      assertThat(line).as("launcher output:\n" + seen).startsWith("LAB READY");
      List<Long> pids =
          Files.readAllLines(config.runDir().resolve("pids")).stream()
              .filter(s -> !s.isBlank())
              .map(Long::parseLong)
              .toList();
      assertThat(pids).hasSizeGreaterThan(SECTIONS.size() * 4);
      assertThat(processesUnder(config.runDir())).isNotEmpty();
      assertThat(config.envFile()).exists();
      assertThat(config.socketDir()).isDirectory();

      jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

      assertNothingLeft(config, pids);
    } finally {
      jvm.destroyForcibly();
    }
  }

  private static void assertNothingLeft(LabConfig config, List<Long> pids) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline
        && (pids.stream().anyMatch(LabCleanupIT::alive)
            || Files.exists(config.runDir())
            || Files.exists(config.socketDir()))) {
      Thread.sleep(200);
    }
    assertThat(pids.stream().filter(LabCleanupIT::alive).toList())
        .as("live lab processes")
        .isEmpty();
    assertThat(processesUnder(config.runDir())).isEmpty();
    assertThat(config.runDir()).doesNotExist();
    assertThat(config.socketDir()).doesNotExist();
    assertThat(config.envFile()).doesNotExist();
    List<String> open = new ArrayList<>();
    List<Integer> ports =
        new ArrayList<>(List.of(config.etcdPort(), config.etcdPeerPort(), config.dnsPort()));
    for (String section : config.sections()) {
      for (String dc : LabTopology.DATACENTERS) {
        ports.add(config.mysqlPort(section, dc));
      }
    }
    for (int port : ports) {
      if (listening("127.0.0.1", port)) {
        open.add("127.0.0.1:" + port);
      }
    }
    for (LabTopology.Host host : new LabTopology(config).hosts()) {
      if (listening(host.address(), config.sshPort())) {
        open.add(host.address() + ":" + config.sshPort());
      }
    }
    assertThat(open).as("ports still listening").isEmpty();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
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
          if (cmdline.contains(needle) && !cmdline.contains("LabLauncher")) {
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
