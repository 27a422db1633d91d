package org.switchman.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.switchman.config.JournalKey;

/**
 * Settings shared by the tests that start the application with the {@code lab} profile's demo
 * users but without the lab's servers (the test class adds {@code @ActiveProfiles("lab")}), on an
 * engine database of this test JVM's own under {@code target/}, and a journal key beside it.
 */
public final class AppTestSupport {

  /** One data directory per test JVM, so runs never see each other's engine data. */
  public static final Path DATA_DIR =
      Path.of("target", "test-data", "app-" + UUID.randomUUID()).toAbsolutePath();

  private AppTestSupport() {}

  /** The journal key of the tests' application, made once (mode 0600) in the data directory. */
  public static final Path JOURNAL_KEY = DATA_DIR.resolve("journal.key");

  /**
   * A start outside the lab: no demo users, the administrator {@code admin} with its password in a
   * private file. Its engine database ({@code DATA_DIR/engine}) is not the lab profile's. The tests
   * speak plain HTTP on loopback, so the session cookie may go without {@code Secure}, as in the lab.
   */
  public static void administratorOnly(DynamicPropertyRegistry registry) {
    registry.add("switchman.data-dir", DATA_DIR::toString);
    registry.add("server.servlet.session.cookie.secure", () -> "false");
    registry.add("switchman.admin.user", () -> "admin");
    registry.add("switchman.admin.password-file", () -> {
      Path file = DATA_DIR.resolveSibling(DATA_DIR.getFileName() + ".admin-password");
      try {
        if (!Files.exists(file)) {
          Files.createDirectories(file.getParent());
          Files.writeString(file, "demo\n");
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return file.toString();
    });
    journalKey(registry);
  }

  private static void journalKey(DynamicPropertyRegistry registry) {
    registry.add("switchman.journal.key-file", () -> {
      if (!Files.exists(JOURNAL_KEY)) {
        JournalKey.generate(JOURNAL_KEY);
      }
      return JOURNAL_KEY.toString();
    });
  }

  /** The lab profile without its servers; the demo users and the admin come from the profile. */
  public static void demoUsers(DynamicPropertyRegistry registry) {
    registry.add("switchman.data-dir", DATA_DIR::toString);
    registry.add("switchman.lab.servers", () -> "false");
    // the tests drive the lock keeper's rounds themselves (RunLockKeeper#round)
    registry.add("switchman.etcd.lock-keeper-interval", () -> "0s");
    journalKey(registry);
  }
}
