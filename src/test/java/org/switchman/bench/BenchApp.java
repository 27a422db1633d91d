package org.switchman.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import org.switchman.SwitchmanApplication;

/**
 * The application with its own lab, as a benchmark starts it: the {@code lab} profile on a fresh
 * data directory under the build directory (the only one of that benchmark: earlier runs' are
 * deleted), a free HTTP port, and its own loopback network and ports so that it runs beside the
 * tests and the demo.
 *
 * @param data the data directory, with the lab under {@code lab/}
 * @param app the running application; closing it stops the lab
 */
record BenchApp(Path data, ConfigurableApplicationContext app) {

  /**
   * @param args the benchmark's arguments: the build directory first, {@code target} if none
   * @param name the data directory's prefix
   * @param loopbackNetwork the lab's {@code 127.x} network
   * @param portOffset the lab's port offset
   * @param settings further {@code --name=value} settings; profiles given here replace {@code lab}
   */
  static BenchApp start(
      String[] args, String name, String loopbackNetwork, int portOffset, String... settings)
      throws IOException {
    Path build = Path.of(args.length > 0 ? args[0] : "target").toAbsolutePath();
    deleteEarlierRuns(build, name);
    Path data = Files.createTempDirectory(build, name);
    List<String> all =
        new ArrayList<>(
            List.of(
                "--spring.profiles.active=lab",
                "--server.port=0",
                "--switchman.data-dir=" + data,
                "--switchman.lab.dir=" + data.resolve("lab"),
                "--switchman.lab.port-offset=" + portOffset,
                "--switchman.lab.loopback-network=" + loopbackNetwork,
                "--logging.level.root=WARN"));
    for (String setting : settings) {
      if (setting.startsWith("--spring.profiles.active=")) {
        all.remove("--spring.profiles.active=lab");
      }
      all.add(setting);
    }
    return new BenchApp(
        data, new SpringApplication(SwitchmanApplication.class).run(all.toArray(String[]::new)));
  }

  /**
   * Deletes the data directories that earlier runs of this benchmark left (a rolling restart's
   * engine database grows by gigabytes), so that only the newest run's stays to be looked into. Two
   * runs of one benchmark never run at once: they would take the same lab ports.
   */
  private static void deleteEarlierRuns(Path build, String name) throws IOException {
    if (!Files.isDirectory(build)) {
      return;
    }
    try (Stream<Path> entries = Files.list(build)) {
      for (Path earlier :
          entries
              .filter(Files::isDirectory)
              .filter(dir -> dir.getFileName().toString().startsWith(name))
              .toList()) {
        FileSystemUtils.deleteRecursively(earlier);
      }
    }
  }
}
