package org.switchman.lab;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives back the lab slots a test class reserved ({@link LabSlots}) once the class is done. It is
 * registered for every test class (autodetected through {@code META-INF/services}), so its
 * after-all callback runs last: after the class's own, and after Spring closes the class's
 * application context and with it the context's lab.
 */
public class LabSlotsRelease implements AfterAllCallback {

  @Override
  public void afterAll(ExtensionContext context) {
    PortReservations.releaseUnpinned();
  }
}
