package org.switchman.lab;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Picks a free "slot" (a loopback network and port offset) for a test lab, so that test JVMs
 * running side by side (the build's forks, another checkout's build) do not collide. A picked
 * slot's ports stay reserved ({@link PortReservations}) until the test class that picked it is done
 * ({@link LabSlotsRelease}).
 */
public final class LabSlots {

  private LabSlots() {}

  /** The first slot whose ports are free and now reserved for the calling test class. */
  public static LabConfig firstFree(IntFunction<LabConfig> slot, int slots) {
    for (int i = 0; i < slots; i++) {
      LabConfig config = slot.apply(i);
      List<String> reserved = PortReservations.reserve(config, false);
      if (reserved != null) {
        if (Lab.portsFree(config)) {
          return config;
        }
        PortReservations.giveBack(reserved);
      }
    }
    throw new IllegalStateException("no free lab slot among " + slots + ": " + slot.apply(0));
  }

  /** Starts a lab for the calling test class in the first free slot. */
  static Lab start(IntFunction<LabConfig> slot, int slots) {
    return start(slot, slots, false);
  }

  /** Starts a lab for the rest of the JVM's tests in the first free slot. */
  static Lab startForJvm(IntFunction<LabConfig> slot, int slots) {
    return start(slot, slots, true);
  }

  /** A slot taken meanwhile (by a program that reserves nothing) moves on to the next. */
  private static Lab start(IntFunction<LabConfig> slot, int slots, boolean forJvm) {
    LabPortsInUseException last = null;
    for (int i = 0; i < slots; i++) {
      LabConfig config = slot.apply(i);
      List<String> reserved = PortReservations.reserve(config, forJvm);
      if (reserved == null) {
        continue;
      }
      try {
        return Lab.start(config);
      } catch (LabPortsInUseException taken) {
        PortReservations.giveBack(reserved);
        last = taken;
      }
    }
    if (last != null) {
      throw last;
    }
    throw new IllegalStateException("no free lab slot among " + slots + ": " + slot.apply(0));
  }
}
