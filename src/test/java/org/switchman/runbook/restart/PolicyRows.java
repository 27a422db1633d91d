package org.switchman.runbook.restart;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Complete catalogue rows for unit tests: defaults that pass every check, and a row's own values.
 */
final class PolicyRows {

  private PolicyRows() {}

  /**
   * A row of the service with the defaults (one host at a time, no depool, systemd-active checks)
   * and the given columns.
   *
   * @param columnsAndValues column name, value, column name, value, …
   */
  static Map<String, String> row(String service, String... columnsAndValues) {
    Map<String, String> row = new HashMap<>();
    row.put("service", service);
    row.put("clusters", service);
    row.put("units", service);
    row.put("depoolFrom", "");
    row.put("batchSize", "1");
    row.put("batchMax", "1");
    row.put("grace", "PT5S");
    row.put("drain", "none");
    row.put("pause", "PT10S");
    row.put("preChecks", "systemd-active");
    row.put("readiness", "systemd-active");
    row.put("readinessLimit", "PT2M");
    row.put("postChecks", "systemd-active");
    row.put("maxFailedBatches", "0");
    row.put("approval", "false");
    row.put("notify", "");
    for (int i = 0; i + 1 < columnsAndValues.length; i += 2) {
      row.put(columnsAndValues[i], columnsAndValues[i + 1]);
    }
    return row;
  }

  /** A catalogue of those rows. */
  static ServiceCatalogue catalogue(List<Map<String, String>> rows) {
    return ServiceCatalogue.of(
        java.util.stream.IntStream.range(0, rows.size())
            .mapToObj(i -> new ServiceCatalogue.Row(i + 1, rows.get(i)))
            .toList());
  }
}
