package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs never get the same lab slot: a slot that another JVM picked stays its own until that JVM
 * gives it back or dies, even while none of its ports is bound yet.
 */
class LabSlotsTest {

  /** Slots far from every test class's own: networks 127.160+N, test ports + 25000 + 200 N. */
  static LabConfig slot(int n) {
    LabConfig tests = LabConfig.forTests(Path.of("target"));
    return tests
        .relocated(
            tests.labDir().resolveSibling("lab-slots-" + n), "127." + (160 + n), 25000 + 200 * n)
        .withSections(List.of("s1"));
  }

  @Test
  void aSlotPickedByAnotherJvmIsSkippedUntilThatJvmEnds() throws Exception {
    Process other =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OtherJvm.class.getName())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      String picked = out.readLine();
      assertThat(picked).as("the other JVM's slot").isEqualTo(Integer.toString(slot(0).etcdPort()));

      LabConfig mine = LabSlots.firstFree(LabSlotsTest::slot, 3);
      assertThat(mine.etcdPort())
          .as("its ports are free (nothing is bound), but the slot is the other JVM's")
          .isEqualTo(slot(1).etcdPort());
    } finally {
      other.destroyForcibly();
      other.waitFor(30, TimeUnit.SECONDS);
      PortReservations.releaseUnpinned();
    }
    assertThat(LabSlots.firstFree(LabSlotsTest::slot, 3).etcdPort())
        .as("the slot of a JVM that died is free again")
        .isEqualTo(slot(0).etcdPort());
    PortReservations.releaseUnpinned();
  }

  /** Picks the first slot, says which, and holds it until killed. */
  static final class OtherJvm {
    public static void main(String[] args) throws InterruptedException {
      System.out.println(LabSlots.firstFree(LabSlotsTest::slot, 3).etcdPort());
      System.out.flush();
      Thread.sleep(120_000);
    }
  }
}
