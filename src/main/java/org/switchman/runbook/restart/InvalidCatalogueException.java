package org.switchman.runbook.restart;

import java.util.List;

/** A service catalogue that cannot be used, with every problem found, each naming its row. */
public class InvalidCatalogueException extends RuntimeException {

  private final List<String> problems;

  public InvalidCatalogueException(List<String> problems) {
    super("The service catalogue is refused: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
