package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frozen children (the lab's pause faults) still end on TERM when the lab stops them. */
class ChildProcessesTest {

  @TempDir Path dir;

  @Test
  void aStoppedChildEndsOnTermWhenStopped() throws Exception {
    try (ChildProcesses processes = new ChildProcesses(dir.resolve("pids"))) {
      ChildProcesses.Child child =
          processes.start("sleeper", List.of("sleep", "60"), dir.resolve("sleeper.log"), Map.of());
      processes.signal(child, "STOP");
      awaitState(child, 'T');
      long t0 = System.nanoTime();
      processes.stop(child, Duration.ofSeconds(8));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(child.process().exitValue()).as("TERM, not KILL").isEqualTo(143);
    }
  }

  @Test
  void closeEndsStoppedChildrenOnTerm() throws Exception {
    ChildProcesses processes = new ChildProcesses(dir.resolve("pids"));
    ChildProcesses.Child frozen =
        processes.start("frozen", List.of("sleep", "60"), dir.resolve("frozen.log"), Map.of());
    ChildProcesses.Child running =
        processes.start("running", List.of("sleep", "60"), dir.resolve("running.log"), Map.of());
    processes.signal(frozen, "STOP");
    awaitState(frozen, 'T');
    long t0 = System.nanoTime();
    processes.close();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(frozen.process().exitValue()).isEqualTo(143);
    assertThat(running.process().exitValue()).isEqualTo(143);
  }

  @Test
  void signallingAChildThatIsGoneFails() throws Exception {
    try (ChildProcesses processes = new ChildProcesses(dir.resolve("pids"))) {
      ChildProcesses.Child child =
          processes.start("short", List.of("true"), dir.resolve("short.log"), Map.of());
      child.process().waitFor();
      assertThatThrownBy(() -> processes.signal(child, "STOP"))
          .isInstanceOf(LabException.class)
          .hasMessageContaining("short is not running");
    }
  }

  /** Waits until /proc shows the process in the state, for example T (stopped). */
  private static void awaitState(ChildProcesses.Child child, char state) throws Exception {
    Path stat = Path.of("/proc/" + child.pid() + "/stat");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      String text = java.nio.file.Files.readString(stat);
      if (text.charAt(text.lastIndexOf(')') + 2) == state) {
        return;
      }
      assertThat(System.nanoTime()).as("state " + state).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
