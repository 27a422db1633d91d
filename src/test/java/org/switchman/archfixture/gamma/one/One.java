package org.switchman.archfixture.gamma.one;

import org.switchman.archfixture.gamma.two.Two;

/** Half of a cycle inside the layer {@code gamma}: uses {@link Two}, which uses this. */
public class One {

  public int plusTwo(Two two) {
    return 1 + two.value();
  }
}
