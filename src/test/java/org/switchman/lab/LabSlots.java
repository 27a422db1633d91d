package org.switchman.lab;

import java.util.function.IntFunction;

/**
 * Picks a free "slot" (a loopback network and port offset) for a test lab, so that test runs from
 * two checkouts on one machine do not collide.
 */
public final class LabSlots {

  private LabSlots() {}

  /** The first slot whose ports are free. */
  public static LabConfig firstFree(IntFunction<LabConfig> slot, int slots) {
    for (int i = 0; i < slots; i++) {
      LabConfig config = slot.apply(i);
      if (Lab.portsFree(config)) {
        return config;
      }
    }
    throw new IllegalStateException("no free lab slot among " + slots + ": " + slot.apply(0));
  }

  /** Starts a lab in the first free slot; a slot taken meanwhile moves on to the next. */
  static Lab start(IntFunction<LabConfig> slot, int slots) {
    LabPortsInUseException last = null;
    for (int i = 0; i < slots; i++) {
      try {
        return Lab.start(slot.apply(i));
      } catch (LabPortsInUseException taken) {
        last = taken;
      }
    }
    throw last;
  }
}
