package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class EphemeralPortsTest {

  private static final int[] LINUX_DEFAULT = {32768, 60999};

  @Test
  void theDemoLabsMariadbPortsLieInTheDefaultEphemeralRangeAndItsOtherPortsDoNot() {
    List<Integer> ports = Lab.ports(LabConfig.demo(Path.of("data")));

    List<Integer> exposed = EphemeralPorts.exposed(ports, LINUX_DEFAULT, new TreeSet<>());

    assertThat(exposed)
        .hasSize(22)
        .contains(33001, 33002, 33102)
        .doesNotContain(23790, 15353, 2222);
  }

  @Test
  void reservedPortsAreNotExposed() {
    List<Integer> ports = List.of(2222, 33001, 33002, 33011);

    assertThat(EphemeralPorts.exposed(ports, LINUX_DEFAULT, EphemeralPorts.parse("33001-33002")))
        .containsExactly(33011);
  }

  @Test
  void readsAndWritesTheKernelsListOfRanges() {
    TreeSet<Integer> ports = EphemeralPorts.parse("33001-33003,40000, 41000-41001\n");

    assertThat(ports).containsExactly(33001, 33002, 33003, 40000, 41000, 41001);
    assertThat(EphemeralPorts.format(ports)).isEqualTo("33001-33003,40000,41000-41001");
    assertThat(EphemeralPorts.parse("")).isEmpty();
    assertThat(EphemeralPorts.format(new TreeSet<>())).isEmpty();
  }
}
