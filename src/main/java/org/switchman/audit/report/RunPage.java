package org.switchman.audit.report;

import java.util.List;

/**
 * A page of the runs list, newest first.
 *
 * @param runs the runs on this page
 * @param offset how many runs come before this page
 * @param limit the page size asked for
 * @param total how many runs match the filter
 */
public record RunPage(List<RunSummary> runs, int offset, int limit, long total) {

  public boolean hasPrevious() {
    return offset > 0;
  }

  public boolean hasNext() {
    return offset + runs.size() < total;
  }
}
