package org.switchman.audit.report;

import java.util.Optional;

/** The engine's history of runs, read-only. */
public interface RunHistory {

  /**
   * Root runs matching the filter, newest first.
   *
   * @param offset runs to skip
   * @param limit page size, 1 to {@value #MAX_PAGE}
   */
  RunPage runs(RunFilter filter, int offset, int limit);

  /** Everything the history holds of one run, or empty when there is no such run. */
  Optional<RunRecord> run(String runId);

  /** The BPMN XML of the diagram version the run executed, or empty when there is no such run. */
  Optional<String> diagramXml(String runId);

  /** The keys of every deployed runbook, sorted, for filtering. */
  java.util.List<String> runbooks();

  int MAX_PAGE = 500;
}
