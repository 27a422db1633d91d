package org.switchman.runbook;

import java.util.List;

/**
 * A run was asked for with input that cannot work (an unknown datacenter, the same datacenter
 * twice, an empty reason, …). It is raised before anything is changed, and its message names every
 * problem found, so the operator can fix them in one go.
 */
public class InvalidRequestException extends RuntimeException {

  private final List<String> problems;

  public InvalidRequestException(String runbook, List<String> problems) {
    this(problems, runbook + " cannot start: ");
  }

  private InvalidRequestException(List<String> problems, String prefix) {
    super(prefix + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Bad input to something other than a run start, e.g. a page filter: "subject: problems". */
  public static InvalidRequestException of(String subject, List<String> problems) {
    return new InvalidRequestException(problems, subject + ": ");
  }

  /** Each problem in words. */
  public List<String> problems() {
    return problems;
  }
}
