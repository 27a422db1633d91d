package org.switchman.infra.mysql;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchman.config.DbProperties;
import org.switchman.infra.Mutations;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.Mutation;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.DbMasters;
import org.switchman.runbook.port.InfrastructureUnavailableException;
import org.switchman.runbook.port.StepInterruptedException;
import org.switchman.runbook.port.UnansweredChangeException;

/**
 * {@link DbMasters} over JDBC (MariaDB Connector/J), one short connection per call with connect and
 * socket timeouts. Heartbeats are read production's way: the newest {@code ts} of {@code
 * heartbeat.heartbeat} for a datacenter and shard (pt-heartbeat writes UTC).
 */
public class MariaDbMasters implements DbMasters {

  private final DbProperties settings;
  private final Mutations mutations;
  private final String password;

  public MariaDbMasters(DbProperties settings, Mutations mutations) {
    this.settings = settings.validated();
    this.mutations = mutations;
    this.password = settings.password();
    mutations.probe(Mutation.Kind.SQL, this::observe);
  }

  private static final Pattern READ_ONLY_SET = Pattern.compile("SET GLOBAL read_only = ([01])");

  /**
   * Whether a journaled {@code SET GLOBAL read_only = N} on a master ({@code SECTION DC master
   * (host:port)}) is in effect: the master's {@code @@global.read_only} is N.
   */
  Mutations.Observation observe(Mutation statement, Instant since) {
    Matcher set = READ_ONLY_SET.matcher(statement.action());
    String[] words = statement.target().split(" ");
    if (!set.matches()
        || words.length < 3
        || !settings.masters().containsKey(words[0] + "." + words[1])) {
      return Mutations.Observation.noTrace(
          "not a statement of this adapter: " + statement.action() + " on " + statement.target());
    }
    boolean wanted = set.group(1).equals("1");
    boolean now = isReadOnly(words[0], words[1]);
    String seen = statement.target() + " has read_only = " + (now ? 1 : 0);
    return now == wanted
        ? Mutations.Observation.applied(seen)
        : Mutations.Observation.notApplied(seen);
  }

  @Override
  public boolean isReadOnly(String section, String dc) {
    return query(section, dc, "SELECT @@global.read_only", rs -> rs.getInt(1) == 1);
  }

  @Override
  public MutationOutcome setReadOnly(RunContext run, String section, String dc, boolean readOnly) {
    String sql = "SET GLOBAL read_only = " + (readOnly ? 1 : 0);
    Mutation mutation = new Mutation(Mutation.Kind.SQL, describe(section, dc), dc, sql);
    try {
      return mutations.apply(
          run,
          mutation,
          () -> {
            try (Connection connection = connect(section, dc);
                Statement statement = connection.createStatement()) {
              statement.execute("SET SESSION lock_wait_timeout = " + lockWaitSeconds());
              try {
                statement.execute(sql);
              } catch (SQLException e) {
                if (answerLost(e)) {
                  throw new UnansweredChangeException(
                      describe(section, dc)
                          + " did not answer "
                          + sql
                          + ": "
                          + e.getMessage()
                          + "; the statement may have been applied",
                      e);
                }
                throw e;
              }
            }
            return Mutations.Performed.of("read_only = " + (readOnly ? 1 : 0));
          },
          () -> {
            if (isReadOnly(section, dc) != readOnly) {
              throw new CheckFailedException(
                  "read-only-set",
                  describe(section, dc)
                      + " still has read_only = "
                      + (readOnly ? 0 : 1)
                      + " after "
                      + sql);
            }
          });
    } catch (SQLException e) {
      throw unavailable(section, dc, e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * How long {@code SET GLOBAL read_only} may wait for locks on the server (the global read lock,
   * the table flush and the commit lock, each bounded by {@code lock_wait_timeout}): together
   * shorter than the socket timeout, so the server gives the statement up before the client does.
   * Otherwise a statement the client stopped waiting for could still apply later, for instance
   * after the rollback of an aborted lockdown.
   */
  long lockWaitSeconds() {
    return Math.max(1, settings.queryTimeout().toSeconds() / 4);
  }

  @Override
  public String gtidPosition(String section, String dc) {
    return query(section, dc, "SELECT @@gtid_binlog_pos", rs -> rs.getString(1));
  }

  @Override
  public Optional<Instant> newestHeartbeat(String section, String readOnDc, String writtenByDc) {
    try (Connection connection = connect(section, readOnDc);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT MAX(ts) FROM heartbeat.heartbeat WHERE datacenter = ? AND shard = ?")) {
      statement.setString(1, writtenByDc);
      statement.setString(2, section);
      try (ResultSet rs = statement.executeQuery()) {
        String ts = rs.next() ? rs.getString(1) : null;
        return ts == null
            ? Optional.empty()
            : Optional.of(LocalDateTime.parse(ts).toInstant(ZoneOffset.UTC));
      }
    } catch (SQLException e) {
      throw unavailable(section, readOnDc, e);
    }
  }

  @Override
  public ReplicationStatus replication(String section, String dc) {
    try (Connection connection = connect(section, dc);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SHOW SLAVE STATUS")) {
      if (!rs.next()) {
        return new ReplicationStatus(section, dc, false, false, null, "no replication configured");
      }
      long behind = rs.getLong("Seconds_Behind_Master");
      Long secondsBehind = rs.wasNull() ? null : behind;
      String error = rs.getString("Last_Error");
      String ioError = rs.getString("Last_IO_Error");
      return new ReplicationStatus(
          section,
          dc,
          "Yes".equals(rs.getString("Slave_IO_Running")),
          "Yes".equals(rs.getString("Slave_SQL_Running")),
          secondsBehind,
          error != null && !error.isBlank() ? error : ioError);
    } catch (SQLException e) {
      throw unavailable(section, dc, e);
    }
  }

  @Override
  public boolean readsEdits() {
    return settings.newestEditQuery() != null;
  }

  @Override
  public Optional<Instant> newestEdit(String section, String dc) {
    if (!readsEdits()) {
      return Optional.empty();
    }
    String newest =
        query(
            section,
            dc,
            settings.newestEditQuery(),
            rs -> rs.getRow() > 0 ? rs.getString(1) : null);
    return newest == null ? Optional.empty() : Optional.of(utc(newest.strip()));
  }

  /** A UTC time as MariaDB prints a date-time, or as MediaWiki stores it (14 digits). */
  static Instant utc(String value) {
    if (value.matches("\\d{14}")) {
      return LocalDateTime.parse(value, MEDIAWIKI_TIME).toInstant(ZoneOffset.UTC);
    }
    return LocalDateTime.parse(value.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
  }

  private static final DateTimeFormatter MEDIAWIKI_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  @Override
  public Instant awaitCaughtUp(
      String section, String fromDc, String toDc, int attempts, Duration interval) {
    Instant reference =
        newestHeartbeat(section, fromDc, fromDc)
            .orElseThrow(
                () ->
                    new CheckFailedException(
                        "replication-caught-up",
                        "the "
                            + fromDc
                            + " master of "
                            + section
                            + " holds no heartbeat of its own"));
    Optional<Instant> seen = Optional.empty();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      seen = newestHeartbeat(section, toDc, fromDc);
      if (seen.isPresent() && seen.get().isAfter(reference)) {
        return seen.get();
      }
      if (attempt < attempts) {
        try {
          Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StepInterruptedException(
              "waiting for the " + toDc + " master of " + section + " to catch up", e);
        }
      }
    }
    throw new CheckFailedException(
        "replication-caught-up",
        "The "
            + toDc
            + " master of "
            + section
            + " has not caught up: it needs a "
            + fromDc
            + " heartbeat newer than "
            + reference
            + ", the newest it holds is "
            + seen.map(Instant::toString).orElse("none")
            + " ("
            + attempts
            + " checks, "
            + interval
            + " apart)");
  }

  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T query(String section, String dc, String sql, RowReader<T> reader) {
    try (Connection connection = connect(section, dc);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return reader.read(rs);
    } catch (SQLException e) {
      throw unavailable(section, dc, e);
    }
  }

  private Connection connect(String section, String dc) throws SQLException {
    String endpoint = endpoint(section, dc);
    Properties properties = new Properties();
    properties.setProperty("user", settings.adminUser());
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", Long.toString(settings.connectTimeout().toMillis()));
    properties.setProperty("socketTimeout", Long.toString(settings.queryTimeout().toMillis()));
    return DriverManager.getConnection("jdbc:mariadb://" + endpoint + "/", properties);
  }

  private String endpoint(String section, String dc) {
    String endpoint = settings.masters().get(section + "." + dc);
    if (endpoint == null) {
      throw new IllegalArgumentException("Unknown section or datacenter: " + section + " " + dc);
    }
    return endpoint;
  }

  private String describe(String section, String dc) {
    return section + " " + dc + " master (" + endpoint(section, dc) + ")";
  }

  /**
   * Whether a statement that was sent failed without the server's answer: a timeout or a broken
   * connection (SQL state class 08), not an error the server returned.
   */
  static boolean answerLost(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTimeoutException
          || t instanceof SocketTimeoutException
          || (t instanceof SQLException sql
              && sql.getSQLState() != null
              && sql.getSQLState().startsWith("08"))) {
        return true;
      }
    }
    return false;
  }

  private InfrastructureUnavailableException unavailable(
      String section, String dc, SQLException e) {
    return new InfrastructureUnavailableException(describe(section, dc) + ": " + e.getMessage(), e);
  }
}
