package org.switchman.archfixture.alpha;

import org.switchman.archfixture.beta.Beta;

/** Half of a layer cycle: uses {@link Beta}, which uses this. */
public class Alpha {

  private final Beta beta = new Beta();

  public String name() {
    return "alpha of " + beta.getClass().getSimpleName();
  }
}
