package org.switchman.support;

import java.nio.file.Path;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Settings shared by the tests that start the application: the demo users without the lab servers,
 * and an engine database of this test JVM's own under {@code target/}.
 */
public final class AppTestSupport {

  /** One data directory per test JVM, so runs never see each other's engine data. */
  public static final Path DATA_DIR =
      Path.of("target", "test-data", "app-" + UUID.randomUUID()).toAbsolutePath();

  private AppTestSupport() {}

  public static void demoUsers(DynamicPropertyRegistry registry) {
    registry.add("switchman.data-dir", DATA_DIR::toString);
    registry.add("switchman.demo-users", () -> "true");
    registry.add("switchman.admin.user", () -> "admin");
  }
}
