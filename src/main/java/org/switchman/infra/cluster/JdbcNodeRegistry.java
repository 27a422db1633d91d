package org.switchman.infra.cluster;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.switchman.runbook.port.NodeRegistry;

/**
 * The node registry in the engine's database, table {@code SWITCHMAN_NODE}: one row per node name,
 * written with the database's {@code CURRENT_TIMESTAMP} and read with it, so that ages never depend
 * on a node's clock.
 *
 * <p>{@link #extendJobLocks} writes the engine's job table directly: the engine has no command that
 * moves a job's lock expiry, and an update through its job entity would raise the job's revision,
 * so that the node running the job would fail to end it. Only {@code LOCK_EXP_TIME_} changes.
 */
public class JdbcNodeRegistry implements NodeRegistry {

  private static final String COLUMNS =
      "NAME, INSTANCE, HEARTBEAT_AT, STOPPED, RELEASED_AT, CURRENT_TIMESTAMP AS NOW_AT";

  private final JdbcTemplate jdbc;

  public JdbcNodeRegistry(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS SWITCHMAN_NODE ("
            + " NAME VARCHAR(255) NOT NULL PRIMARY KEY,"
            + " INSTANCE VARCHAR(64) NOT NULL,"
            + " STARTED_AT TIMESTAMP WITH TIME ZONE NOT NULL,"
            + " HEARTBEAT_AT TIMESTAMP WITH TIME ZONE NOT NULL,"
            + " STOPPED BOOLEAN DEFAULT FALSE NOT NULL,"
            + " RELEASED_AT TIMESTAMP WITH TIME ZONE,"
            + " RELEASED_BY VARCHAR(255))");
  }

  @Override
  public Optional<Node> find(String name) {
    return jdbc
        .query("SELECT " + COLUMNS + " FROM SWITCHMAN_NODE WHERE NAME = ?", this::node, name)
        .stream()
        .findFirst();
  }

  @Override
  public List<Node> all() {
    return jdbc.query("SELECT " + COLUMNS + " FROM SWITCHMAN_NODE ORDER BY NAME", this::node);
  }

  @Override
  public void register(String name, String instance) {
    // an update first: the row of a node that starts again is there; an insert for a new name
    // (two processes never register one name at once: the start lock serializes the starts)
    int updated =
        jdbc.update(
            "UPDATE SWITCHMAN_NODE SET INSTANCE = ?, STARTED_AT = CURRENT_TIMESTAMP,"
                + " HEARTBEAT_AT = CURRENT_TIMESTAMP, STOPPED = FALSE, RELEASED_AT = NULL,"
                + " RELEASED_BY = NULL WHERE NAME = ?",
            instance,
            name);
    if (updated == 0) {
      jdbc.update(
          "INSERT INTO SWITCHMAN_NODE (NAME, INSTANCE, STARTED_AT, HEARTBEAT_AT)"
              + " VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
          name,
          instance);
    }
  }

  @Override
  public boolean beat(String name, String instance) {
    return jdbc.update(
            "UPDATE SWITCHMAN_NODE SET HEARTBEAT_AT = CURRENT_TIMESTAMP"
                + " WHERE NAME = ? AND INSTANCE = ? AND RELEASED_AT IS NULL",
            name,
            instance)
        == 1;
  }

  @Override
  public void stopped(String name, String instance) {
    jdbc.update(
        "UPDATE SWITCHMAN_NODE SET STOPPED = TRUE WHERE NAME = ? AND INSTANCE = ?", name, instance);
  }

  @Override
  public boolean released(String name, String instance, String by) {
    return jdbc.update(
            "UPDATE SWITCHMAN_NODE SET RELEASED_AT = CURRENT_TIMESTAMP, RELEASED_BY = ?"
                + " WHERE NAME = ? AND INSTANCE = ? AND RELEASED_AT IS NULL",
            by,
            name,
            instance)
        == 1;
  }

  @Override
  public int extendJobLocks(
      String owner, Collection<String> jobIds, Instant renewBefore, Instant until) {
    if (jobIds.isEmpty()) {
      return 0;
    }
    List<Object> arguments = new ArrayList<>(List.of(Timestamp.from(until), owner));
    arguments.add(Timestamp.from(renewBefore));
    arguments.addAll(jobIds);
    return jdbc.update(
        "UPDATE ACT_RU_JOB SET LOCK_EXP_TIME_ = ? WHERE LOCK_OWNER_ = ? AND LOCK_EXP_TIME_ < ?"
            + " AND ID_ IN ("
            + String.join(", ", java.util.Collections.nCopies(jobIds.size(), "?"))
            + ")",
        arguments.toArray());
  }

  private Node node(ResultSet rs, int row) throws SQLException {
    OffsetDateTime beat = rs.getObject("HEARTBEAT_AT", OffsetDateTime.class);
    OffsetDateTime now = rs.getObject("NOW_AT", OffsetDateTime.class);
    OffsetDateTime released = rs.getObject("RELEASED_AT", OffsetDateTime.class);
    return new Node(
        rs.getString("NAME"),
        rs.getString("INSTANCE"),
        Duration.between(beat, now),
        rs.getBoolean("STOPPED"),
        Optional.ofNullable(released).map(OffsetDateTime::toInstant));
  }
}
