package org.switchman.audit;

/** Reads back the ops log, newest line first. */
public interface OpsLogReader {
  /**
   * A page of ops log lines, newest first. @param runId only this run's lines, or null for
   * all; @param offset lines to skip; @param limit at most this many (1..500)
   */
  OpsLogPage page(String runId, int offset, int limit);

  record OpsLogPage(java.util.List<OpsEvent> events, long total) {}
}
