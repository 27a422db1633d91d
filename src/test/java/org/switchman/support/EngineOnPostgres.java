package org.switchman.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.switchman.lab.LabPostgres;

/**
 * Runs a test class's application on PostgreSQL instead of H2 when the build is asked to ({@code
 * -Dswitchman.it.postgres=true}): a throwaway cluster of its own ({@link LabPostgres}), the {@code
 * postgres} profile's settings, and nothing else changed. The cluster dies with the test JVM and
 * its directory is removed then.
 */
public final class EngineOnPostgres {

  /** The build setting that asks for it. */
  public static final String PROPERTY = "switchman.it.postgres";

  private EngineOnPostgres() {}

  /** Whether this build runs the engine of such test classes on PostgreSQL. */
  public static boolean asked() {
    return Boolean.getBoolean(PROPERTY);
  }

  /** When {@link #asked}, starts a cluster and points the application's engine at it. */
  public static void registerIfAsked(DynamicPropertyRegistry registry) {
    if (!asked()) {
      return;
    }
    LabPostgres postgres = LabPostgres.startThrowaway();
    String password;
    try {
      password = Files.readString(postgres.passwordFile());
    } catch (IOException e) {
      postgres.close();
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(postgres::close));
    registry.add("spring.datasource.url", postgres::jdbcUrl);
    registry.add("spring.datasource.username", () -> LabPostgres.USER);
    registry.add("spring.datasource.password", () -> password);
    registry.add("spring.datasource.driver-class-name", () -> "org.postgresql.Driver");
    registry.add("camunda.bpm.database.type", () -> "postgres");
    registry.add("spring.datasource.hikari.data-source-properties.socketTimeout", () -> "60");
    registry.add("spring.datasource.hikari.data-source-properties.connectTimeout", () -> "5");
  }
}
