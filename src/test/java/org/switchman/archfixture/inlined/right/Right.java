package org.switchman.archfixture.inlined.right;

import org.switchman.archfixture.inlined.left.Left;

/** The other half: uses {@code Left.NAME}, a constant the compiler copies into this class. */
public final class Right {

  public static final String NAME = "right";

  private Right() {}

  public static String pair() {
    return Left.NAME + "-" + NAME;
  }
}
