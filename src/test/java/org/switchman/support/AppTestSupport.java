package org.switchman.support;

import java.nio.file.Path;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Settings shared by the tests that start the application with the {@code lab} profile's demo
 * users but without the lab's servers (the test class adds {@code @ActiveProfiles("lab")}), on an
 * engine database of this test JVM's own under {@code target/}.
 */
public final class AppTestSupport {

  /** One data directory per test JVM, so runs never see each other's engine data. */
  public static final Path DATA_DIR =
      Path.of("target", "test-data", "app-" + UUID.randomUUID()).toAbsolutePath();

  private AppTestSupport() {}

  /** The lab profile without its servers; the demo users and the admin come from the profile. */
  public static void demoUsers(DynamicPropertyRegistry registry) {
    registry.add("switchman.data-dir", DATA_DIR::toString);
    registry.add("switchman.lab.servers", () -> "false");
  }
}
