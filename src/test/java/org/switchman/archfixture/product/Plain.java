package org.switchman.archfixture.product;

/** A product class that keeps to itself: no rule may name it. */
public class Plain {

  public String name() {
    return "plain";
  }
}
