package org.switchman.archfixture.beta;

import org.switchman.archfixture.alpha.Alpha;

/** The other half of the layer cycle: uses {@link Alpha}. */
public class Beta {

  public String describe(Alpha alpha) {
    return "beta next to " + alpha.name();
  }
}
