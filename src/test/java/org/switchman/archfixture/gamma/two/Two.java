package org.switchman.archfixture.gamma.two;

import org.switchman.archfixture.gamma.one.One;

/** The other half of the cycle inside {@code gamma}: uses {@link One}. */
public class Two {

  public int value() {
    return 2;
  }

  public int plusOne(One one) {
    return one.plusTwo(this) - 1;
  }
}
