package org.switchman.infra.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serializes the starts of the nodes that share one PostgreSQL database: from the moment the data
 * source exists until the application is ready, a node holds a PostgreSQL advisory lock, so that
 * two nodes started at the same instant on an empty database never create the engine's schema,
 * Switchman's tables, the users and groups or a deployment at once (PostgreSQL's {@code CREATE
 * TABLE IF NOT EXISTS} fails on a concurrent create, and the bootstrap of users checks before it
 * inserts). The second node waits, then finds everything in place.
 *
 * <p>The lock belongs to the database session: a node that dies while it starts gives it back with
 * its connection. On any other database (H2, whose file one process holds) it does nothing.
 */
public final class StartLock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StartLock.class);

  /** The advisory lock's key, the same for every node: "switchman-start" in 64 bits. */
  static final long KEY = 0x73776d2d73747274L;

  private static final Duration POLL = Duration.ofMillis(200);

  private Connection connection;

  private StartLock(Connection connection) {
    this.connection = connection;
  }

  /**
   * Takes the lock, waiting up to {@code limit} for a node that holds it.
   *
   * @throws IllegalStateException when another node's start holds it longer, or the database does
   *     not answer
   */
  public static StartLock take(DataSource dataSource, Duration limit) {
    Connection connection = null;
    try {
      connection = dataSource.getConnection();
      if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
        connection.close();
        return new StartLock(null);
      }
      long deadline = System.nanoTime() + limit.toNanos();
      boolean told = false;
      while (!tryLock(connection)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "another Switchman node has been starting on this database for more than "
                  + limit
                  + " (switchman.cluster.start-lock-wait); starts are taken one at a time");
        }
        if (!told) {
          LOG.info("Another node is starting on this database; waiting for it to finish");
          told = true;
        }
        Thread.sleep(POLL.toMillis());
      }
      return new StartLock(connection);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new IllegalStateException(
          "cannot take the start lock on the engine database: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      closeQuietly(connection);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for another node's start", e);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private static boolean tryLock(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      statement.setLong(1, KEY);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Whether this node holds the lock (never on a database other than PostgreSQL). */
  public synchronized boolean held() {
    return connection != null;
  }

  /** Gives the lock back; once only, and never throws (a lost session has given it back). */
  @Override
  public synchronized void close() {
    if (connection == null) {
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      statement.setLong(1, KEY);
      statement.execute();
    } catch (SQLException e) {
      LOG.warn("Giving back the start lock failed ({}); closing its session does", e.getMessage());
    } finally {
      closeQuietly(connection);
      connection = null;
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // the session is gone, and its lock with it
    }
  }
}
