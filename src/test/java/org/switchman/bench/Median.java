package org.switchman.bench;

import java.util.Collection;
import java.util.List;

/** The benchmarks' median. */
final class Median {

  private Median() {}

  /** The middle value; of an even count, the upper of the two middle values. */
  static <T extends Comparable<? super T>> T of(Collection<T> values) {
    List<T> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
