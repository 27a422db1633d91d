package org.switchman.infra.runs;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.switchman.runbook.port.RunParameters;

/**
 * Run parameters in the table {@code SWITCHMAN_RUN_PARAMETER} of the engine's database, written in
 * the engine's own transaction (the template shares the engine's transaction-bound connection), so
 * they commit and roll back with the step that writes them; {@link #recordAtOnce} alone uses a
 * transaction of its own.
 */
@Component
public class JdbcRunParameters implements RunParameters {

  /** The longest value kept; longer values are refused, never cut silently. */
  public static final int MAX_VALUE = 65_000;

  private final JdbcTemplate jdbc;
  private final TransactionTemplate ownTransaction;

  public JdbcRunParameters(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS SWITCHMAN_RUN_PARAMETER ("
            + " RUN_ID VARCHAR(64) NOT NULL,"
            + " NAME VARCHAR(64) NOT NULL,"
            + " VAL VARCHAR(65535),"
            + " SET_AT_MICROS BIGINT NOT NULL,"
            + " PRIMARY KEY (RUN_ID, NAME))");
  }

  @Override
  public String freeze(String runId, String name, String value) {
    Optional<String> first = get(runId, name);
    if (first.isPresent()) {
      return first.get();
    }
    jdbc.update(
        "INSERT INTO SWITCHMAN_RUN_PARAMETER (RUN_ID, NAME, VAL, SET_AT_MICROS) VALUES (?, ?, ?, ?)",
        runId,
        name,
        checked(name, value),
        now());
    return value;
  }

  @Override
  public void record(String runId, String name, String value) {
    int updated =
        jdbc.update(
            "UPDATE SWITCHMAN_RUN_PARAMETER SET VAL = ?, SET_AT_MICROS = ?"
                + " WHERE RUN_ID = ? AND NAME = ?",
            checked(name, value),
            now(),
            runId,
            name);
    if (updated == 0) {
      jdbc.update(
          "INSERT INTO SWITCHMAN_RUN_PARAMETER (RUN_ID, NAME, VAL, SET_AT_MICROS) VALUES (?, ?, ?, ?)",
          runId,
          name,
          checked(name, value),
          now());
    }
  }

  @Override
  public void recordAtOnce(String runId, String name, String value) {
    ownTransaction.executeWithoutResult(status -> record(runId, name, value));
  }

  @Override
  public Optional<String> get(String runId, String name) {
    List<String> values =
        jdbc.query(
            "SELECT VAL FROM SWITCHMAN_RUN_PARAMETER WHERE RUN_ID = ? AND NAME = ?",
            (rs, i) -> rs.getString(1),
            runId,
            name);
    return values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
  }

  @Override
  public Map<String, String> all(String runId) {
    Map<String, String> all = new LinkedHashMap<>();
    jdbc.query(
        "SELECT NAME, VAL FROM SWITCHMAN_RUN_PARAMETER WHERE RUN_ID = ? ORDER BY NAME",
        rs -> {
          all.put(rs.getString(1), rs.getString(2));
        },
        runId);
    return all;
  }

  private static String checked(String name, String value) {
    if (value != null && value.length() > MAX_VALUE) {
      throw new IllegalArgumentException(
          "The run parameter "
              + name
              + " is "
              + value.length()
              + " characters long; at most "
              + MAX_VALUE
              + " are kept");
    }
    return value;
  }

  private static long now() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }
}
