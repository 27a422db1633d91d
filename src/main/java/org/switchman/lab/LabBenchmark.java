package org.switchman.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Measures the lab's cold start and memory, in the default size and with the 1,000-host fleet. Run
 * by {@code scripts/bench lab}. It uses its own ports and loopback network (127.50/16), so it runs
 * next to a demo or a test run.
 *
 * <p>Cold start is the time of {@link Lab#start()}: every server started and answering its
 * readiness probe. The MariaDB template datadir is built once per MariaDB version beforehand (and
 * reported separately), as the demo does on its first run. RSS and PSS are summed over the lab's
 * child processes and their descendants, measured a few seconds after the start.
 */
public final class LabBenchmark {

  private LabBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path buildDir = Path.of(args.length > 0 ? args[0] : "target");
    LabConfig base =
        LabConfig.forTests(buildDir).relocated(buildDir.resolve("lab-bench"), "127.50", 4000);
    Path template = base.templateCacheDir();
    boolean cached = Files.isDirectory(template) && hasTemplate(template);
    if (!cached) {
      long t0 = System.nanoTime();
      try (Lab warmUp = Lab.start(base.withSections(List.of("s1")).withFleetSize(46))) {
        System.out.printf(
            Locale.ROOT,
            "template datadir built (first run only): %.1f s%n",
            (System.nanoTime() - t0) / 1e9);
      }
    }
    for (int size : new int[] {0, LabConfig.BENCHMARK_FLEET_SIZE}) {
      LabConfig config = base.withFleetSize(size);
      try (Lab lab = Lab.start(config)) {
        double seconds = lab.startupTime().toMillis() / 1000.0;
        Thread.sleep(3000);
        long[] memory = memoryKb(lab.childPids());
        String line =
            String.format(
                Locale.ROOT,
                "lab %-9s %4d hosts, %2d MariaDB, %3d processes: cold start %5.1f s, RSS %5d MB,"
                    + " PSS %5d MB",
                size == 0 ? "default" : size + "-host",
                lab.topology().hosts().size(),
                lab.config().sections().size() * 2,
                (int) memory[2],
                seconds,
                memory[0] / 1024,
                memory[1] / 1024);
        if (size == 0) {
          line +=
              String.format(
                  Locale.ROOT,
                  "  (target <= 10 s: ratio %.2f, %s)",
                  seconds / 10.0,
                  seconds <= 10.0 ? "met" : "MISSED");
        }
        System.out.println(line);
      }
    }
  }

  private static boolean hasTemplate(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.anyMatch(p -> p.getFileName().toString().startsWith("mariadb-"));
    }
  }

  /** {RSS kB, PSS kB, process count} over the processes and all their descendants. */
  private static long[] memoryKb(List<Long> roots) {
    Set<Long> all = new LinkedHashSet<>();
    for (long pid : roots) {
      ProcessHandle.of(pid)
          .ifPresent(
              p -> {
                all.add(p.pid());
                p.descendants().forEach(d -> all.add(d.pid()));
              });
    }
    long rss = 0;
    long pss = 0;
    for (long pid : all) {
      try {
        for (String line :
            Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
          if (line.startsWith("Rss:")) {
            rss += Long.parseLong(line.replaceAll("\\D", ""));
          } else if (line.startsWith("Pss:")) {
            pss += Long.parseLong(line.replaceAll("\\D", ""));
          }
        }
      } catch (IOException | NumberFormatException gone) {
        // exited meanwhile
      }
    }
    return new long[] {rss, pss, all.size()};
  }
}
