package org.switchman.archfixture.inlined.left;

import org.switchman.archfixture.inlined.right.Right;

/**
 * Half of a cycle made of constants only: the compiler copies {@code Right.NAME} into this class.
 */
public final class Left {

  public static final String NAME = "left";

  private Left() {}

  public static String pair() {
    return NAME + "-" + Right.NAME;
  }
}
