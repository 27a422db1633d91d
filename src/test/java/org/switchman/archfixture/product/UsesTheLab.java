package org.switchman.archfixture.product;

import org.switchman.archfixture.lab.FixtureLab;

/** A product class that reaches into the lab. */
public class UsesTheLab {

  public String etcd() {
    return new FixtureLab().endpoint();
  }
}
