package org.switchman.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.springframework.util.FileSystemUtils;
import org.switchman.lab.LabPostgres;

/**
 * A throwaway PostgreSQL ({@link LabPostgres}, under the system's temporary directory so that its
 * user reaches it, on a free port) with what the {@code postgres} profile needs to use it: the
 * settings an operator gives ({@link #settings}) and the password in a config tree of its own under
 * {@code target/}. {@link #close} stops the cluster and removes both directories.
 */
public final class ThrowawayPostgres implements AutoCloseable {

  private final LabPostgres postgres;
  private final Path secrets;

  private ThrowawayPostgres(LabPostgres postgres, Path secrets) {
    this.postgres = postgres;
    this.secrets = secrets;
  }

  public static ThrowawayPostgres start() {
    LabPostgres postgres = null;
    try {
      postgres = LabPostgres.startThrowaway();
      Path secrets =
          Files.createTempDirectory(
              Path.of("target"),
              "pg-secrets",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.copy(postgres.passwordFile(), secrets.resolve("spring.datasource.password"));
      return new ThrowawayPostgres(postgres, secrets);
    } catch (IOException e) {
      if (postgres != null) {
        postgres.close();
      }
      throw new UncheckedIOException(e);
    }
  }

  /** The cluster itself: its URL, password file, restart, freeze. */
  public LabPostgres server() {
    return postgres;
  }

  /** The {@code postgres} profile's settings for this database, as an operator gives them. */
  public Map<String, String> settings() {
    return Map.of(
        "SWITCHMAN_DB_URL", postgres.jdbcUrl(),
        "SWITCHMAN_DB_USER", LabPostgres.USER,
        "SWITCHMAN_SECRETS_DIR", secrets.toString());
  }

  /**
   * The number the query answers ({@code SELECT COUNT(*) ...}), read with a connection of its own.
   */
  public long count(String sql) {
    try (Connection connection =
            DriverManager.getConnection(
                postgres.jdbcUrl(), LabPostgres.USER, Files.readString(postgres.passwordFile()));
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      FileSystemUtils.deleteRecursively(secrets.toFile());
    } finally {
      postgres.close();
    }
  }
}
