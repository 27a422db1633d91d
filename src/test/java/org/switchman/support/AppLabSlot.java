package org.switchman.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.switchman.lab.LabConfig;
import org.switchman.lab.LabSlots;

/**
 * Where a test application that runs its own lab (the {@code lab} profile) puts it: a loopback
 * network and port offset that no other lab of the machine uses, reserved for the test class
 * ({@link LabSlots}). Test classes pass distinct first networks, so that their labs' hosts never
 * share addresses.
 *
 * @param lab the demo lab moved to the slot; its directory is meaningless (the application puts its
 *     lab under its data directory or {@code switchman.lab.dir})
 */
public record AppLabSlot(LabConfig lab) {

  private static final LabConfig DEMO = LabConfig.demo(Path.of("unused"));

  /**
   * The first free of five slots: loopback networks {@code 127.<firstNetwork + n>}, the demo's
   * ports moved by {@code firstOffset + 200 n}.
   *
   * @param sections the lab's sections ({@code switchman.lab.sections}), whose MariaDB ports count
   */
  public static AppLabSlot firstFree(int firstNetwork, int firstOffset, List<String> sections) {
    return new AppLabSlot(
        LabSlots.firstFree(
            n ->
                DEMO.relocated(DEMO.labDir(), "127." + (firstNetwork + n), firstOffset + 200 * n)
                    .withSections(sections),
            5));
  }

  /** The same with every section of the lab. */
  public static AppLabSlot firstFree(int firstNetwork, int firstOffset) {
    return firstFree(firstNetwork, firstOffset, DEMO.sections());
  }

  /** {@code switchman.lab.port-offset}: how far the slot's ports are from the demo's. */
  public int portOffset() {
    return lab.etcdPort() - DEMO.etcdPort();
  }

  /** Puts the application's lab, with the slot's sections, on the slot. */
  public void registerLab(DynamicPropertyRegistry registry) {
    registry.add("switchman.lab.loopback-network", lab::loopbackNetwork);
    registry.add("switchman.lab.port-offset", this::portOffset);
    registry.add("switchman.lab.sections", () -> String.join(",", lab.sections()));
  }

  /**
   * Puts the application's lab on the slot and its data (engine database, journal key, lab) in a
   * new directory {@code target/test-data/<prefix>-<uuid>}.
   */
  public void register(DynamicPropertyRegistry registry, String dataDirPrefix) {
    Path dataDir =
        Path.of("target", "test-data", dataDirPrefix + "-" + UUID.randomUUID()).toAbsolutePath();
    registry.add("switchman.data-dir", dataDir::toString);
    TEST_TIMINGS.forEach((name, value) -> registry.add(name, () -> value));
    registerLab(registry);
  }

  /** The slot's settings as command-line arguments, for an application started by hand. */
  public List<String> arguments() {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--switchman.lab.loopback-network=" + lab.loopbackNetwork(),
                "--switchman.lab.port-offset=" + portOffset(),
                "--switchman.lab.sections=" + String.join(",", lab.sections())));
    TEST_TIMINGS.forEach((name, value) -> arguments.add("--" + name + "=" + value));
    return arguments;
  }

  /**
   * How long a test's switchover waits after its master datacenter change began, instead of
   * production's 10 s: every switchover of the suite would wait about 9 s more inside its window.
   */
  static final String TEST_SETTLE = "PT1S";

  /**
   * The TTL of the discovery records at the start of a test's lab, instead of the lab's 30 s: each
   * switchover waits it out after reducing the records, before its first gate.
   */
  public static final Duration TEST_DISCOVERY_TTL = Duration.ofSeconds(4);

  /**
   * The TTL a test's switchover reduces the discovery records to, instead of production's 10 s,
   * which is shorter than {@link #TEST_DISCOVERY_TTL} so that the records are really reduced.
   */
  public static final Duration TEST_SHORT_TTL = Duration.ofSeconds(2);

  /** The settings above, as both {@link #register} and {@link #arguments} give them. */
  private static final Map<String, String> TEST_TIMINGS =
      Map.of(
          "switchman.switchover.master-change-settle", TEST_SETTLE,
          "switchman.lab.discovery-ttl", TEST_DISCOVERY_TTL.toString(),
          "switchman.switchover.short-ttl", TEST_SHORT_TTL.toString());
}
