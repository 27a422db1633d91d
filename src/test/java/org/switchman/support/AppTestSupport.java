package org.switchman.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.switchman.config.JournalKey;

/**
 * Settings shared by the tests that start the application: the demo users without the lab servers,
 * an engine database of this test JVM's own under {@code target/}, and a journal key beside it.
 */
public final class AppTestSupport {

  /** One data directory per test JVM, so runs never see each other's engine data. */
  public static final Path DATA_DIR =
      Path.of("target", "test-data", "app-" + UUID.randomUUID()).toAbsolutePath();

  private AppTestSupport() {}

  /** The journal key of the tests' application, made once (mode 0600) in the data directory. */
  public static final Path JOURNAL_KEY = DATA_DIR.resolve("journal.key");

  public static void demoUsers(DynamicPropertyRegistry registry) {
    registry.add("switchman.data-dir", DATA_DIR::toString);
    registry.add("switchman.journal.key-file", () -> {
      if (!Files.exists(JOURNAL_KEY)) {
        JournalKey.generate(JOURNAL_KEY);
      }
      return JOURNAL_KEY.toString();
    });
    registry.add("switchman.demo-users", () -> "true");
    registry.add("switchman.admin.user", () -> "admin");
  }
}
