package org.switchman.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

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
 */
record CpuMeter(long processNanos, long compileMillis, long machineBusyTicks, long wallNanos) {

  private static final double TICKS_PER_SECOND = 100.0;

  /** A reading now. */
  static CpuMeter read() {
    return new CpuMeter(processCpuNow(), compileMillisNow(), machineBusyNow(), System.nanoTime());
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
    return String.format(
        "CPU %.1f s in this JVM (JIT compiling %.1f s), %.1f s on the machine (%d cores: %.0f %%"
            + " busy)",
        process, compile, machine, cores, 100 * machine / (cores * Math.max(wall, 1e-3)));
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
