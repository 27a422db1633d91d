package org.switchman.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU a benchmark's run used: this JVM's (the application, its engine and the benchmark's own
 * threads) and the whole machine's (with the lab's servers), from a reading taken when the run
 * started. On a machine whose cores are all busy during a run, wall time is CPU time divided by the
 * cores, whatever the code waits on.
 *
 * @param processNanos this JVM's CPU time at the reading
 * @param compileMillis the time this JVM's JIT compilers had spent compiling at the reading (the
 *     elapsed time of each compilation, summed: on busy cores partly a wait for one; a JVM still
 *     compiling the code a run takes is not warm yet)
 * @param machineBusyTicks the machine's non-idle CPU time at the reading, in kernel ticks ({@code
 *     /proc/stat}, 100 per second on Linux)
 * @param wallNanos {@link System#nanoTime()} at the reading
 * @param threadTicks the CPU time of each of this JVM's threads at the reading, in kernel ticks, by
 *     thread id ({@code /proc/self/task}), with the thread's kind: the engine's job threads, the
 *     JIT compilers, the garbage collector, or another
 */
record CpuMeter(
    long processNanos,
    long compileMillis,
    long machineBusyTicks,
    long wallNanos,
    Map<String, ThreadTicks> threadTicks) {

  private static final double TICKS_PER_SECOND = 100.0;

  /** One thread's CPU time and kind. */
  record ThreadTicks(String kind, long ticks) {}

  /** A reading now. */
  static CpuMeter read() {
    return new CpuMeter(
        processCpuNow(), compileMillisNow(), machineBusyNow(), System.nanoTime(), threadsNow());
  }

  /**
   * What was used since this reading, e.g. {@code CPU 61.2 s in this JVM (JIT compiling 4.1 s),
   * 88.0 s on the machine (2 cores: 94 % busy)}.
   */
  String usedSince() {
    CpuMeter now = read();
    double process = (now.processNanos - processNanos) / 1e9;
    double compile = (now.compileMillis - compileMillis) / 1e3;
    double machine = (now.machineBusyTicks - machineBusyTicks) / TICKS_PER_SECOND;
    double wall = (now.wallNanos - wallNanos) / 1e9;
    int cores = Runtime.getRuntime().availableProcessors();
    Map<String, Long> byKind = new HashMap<>();
    now.threadTicks.forEach(
        (id, thread) -> {
          ThreadTicks before = threadTicks.get(id);
          long used = thread.ticks() - (before == null ? 0 : before.ticks());
          byKind.merge(thread.kind(), used, Long::sum);
        });
    return String.format(
        "CPU %.1f s in this JVM (JIT compiling %.1f s; by thread: the engine's job threads %.1f s,"
            + " the JIT compilers %.1f s, the garbage collector %.1f s, others %.1f s), %.1f s on"
            + " the machine (%d cores: %.0f %% busy)",
        process,
        compile,
        seconds(byKind, "job"),
        seconds(byKind, "jit"),
        seconds(byKind, "gc"),
        seconds(byKind, "other"),
        machine,
        cores,
        100 * machine / (cores * Math.max(wall, 1e-3)));
  }

  private static double seconds(Map<String, Long> byKind, String kind) {
    return byKind.getOrDefault(kind, 0L) / TICKS_PER_SECOND;
  }

  /**
   * Each live thread's user + system time ({@code /proc/self/task/ID/stat}) and kind, told from its
   * name as the kernel keeps it (the first 15 characters): a thread that ended between two readings
   * is not counted. The engine's job threads are a pool that keeps them; a JIT compiler thread the
   * JVM retires when compiling calms down (as it may on Java 17) takes its time with it.
   */
  private static Map<String, ThreadTicks> threadsNow() {
    Map<String, ThreadTicks> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int nameEnd = stat.lastIndexOf(')');
          String name = stat.substring(stat.indexOf('(') + 1, nameEnd);
          String[] fields = stat.substring(nameEnd + 2).split(" ");
          // fields after the name: state is the 3rd field of the line, utime the 14th, stime the
          // 15th
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          threads.put(task.getFileName().toString(), new ThreadTicks(kind(name), ticks));
        } catch (IOException | RuntimeException e) {
          // the thread ended while it was read
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return threads;
  }

  private static String kind(String name) {
    if (name.startsWith("camundaTaskExe")) {
      return "job";
    }
    if (name.contains("CompilerThre")) {
      return "jit";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
      return "gc";
    }
    return "other";
  }

  private static long processCpuNow() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long compileMillisNow() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  /** user + nice + system + irq + softirq + steal of the {@code cpu} line of {@code /proc/stat}. */
  private static long machineBusyNow() {
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long[] ticks = Arrays.stream(cpu, 1, cpu.length).mapToLong(Long::parseLong).toArray();
      return ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7];
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
