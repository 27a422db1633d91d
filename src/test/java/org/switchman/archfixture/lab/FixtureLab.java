package org.switchman.archfixture.lab;

/** Stands for the lab: the product must not use it. */
public class FixtureLab {

  public String endpoint() {
    return "127.0.0.1:23790";
  }
}
