package org.switchman.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.switchman.config.JournalKey;

/**
 * Settings shared by the tests that start the application with the {@code lab} profile's demo users
 * but without the lab's servers (most test classes use {@link AppWithDemoUsers}), on an engine
 * database of each application context's own under {@code target/}, and a journal key beside it.
 */
public final class AppTestSupport {

  /** Where each application context of the tests gets a data directory of its own. */
  private static final Path DATA_DIRS =
      Path.of("target", "test-data", "app-" + UUID.randomUUID()).toAbsolutePath();

  private AppTestSupport() {}

  /**
   * A new data directory: each application context of the tests has its own engine database, so
   * that the job executor of one context (Spring keeps several alive) never runs the jobs of
   * another, whose beans it does not have. A test reads its own with
   * {@code @Value("${switchman.data-dir}")}.
   */
  private static Path newDataDir() {
    return DATA_DIRS.resolve(UUID.randomUUID().toString());
  }

  /**
   * A start outside the lab: no demo users, the administrator {@code admin} with its password in a
   * private file. Its engine database ({@code <data-dir>/engine}) is not the lab profile's. The
   * tests speak plain HTTP on loopback, so the session cookie may go without {@code Secure}, as in
   * the lab.
   */
  public static void administratorOnly(DynamicPropertyRegistry registry) {
    Path dataDir = newDataDir();
    registry.add("switchman.data-dir", dataDir::toString);
    registry.add("server.servlet.session.cookie.secure", () -> "false");
    registry.add("switchman.admin.user", () -> "admin");
    registry.add(
        "switchman.admin.password-file",
        () -> {
          Path file = dataDir.resolveSibling(dataDir.getFileName() + ".admin-password");
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
    journalKey(registry, dataDir);
  }

  /** The journal key of the context's application, made once (mode 0600) in its data directory. */
  private static void journalKey(DynamicPropertyRegistry registry, Path dataDir) {
    Path key = dataDir.resolve("journal.key");
    registry.add(
        "switchman.journal.key-file",
        () -> {
          if (!Files.exists(key)) {
            JournalKey.generate(key);
          }
          return key.toString();
        });
  }

  /** The lab profile without its servers; the demo users and the admin come from the profile. */
  public static void demoUsers(DynamicPropertyRegistry registry) {
    demoUserSettings().forEach((name, value) -> registry.add(name, () -> value));
  }

  /** {@link #demoUsers} for {@link AppWithDemoUsers}: a new data directory for each context. */
  public static final class DemoUsers
      implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
      context
          .getEnvironment()
          .getPropertySources()
          .addFirst(new MapPropertySource("demo-users", Map.copyOf(demoUserSettings())));
    }
  }

  private static Map<String, Object> demoUserSettings() {
    Path dataDir = newDataDir();
    Path key = dataDir.resolve("journal.key");
    JournalKey.generate(key);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("switchman.data-dir", dataDir.toString());
    settings.put("switchman.lab.servers", "false");
    // the tests drive the lock keeper's rounds themselves (RunLockKeeper#round)
    settings.put("switchman.etcd.lock-keeper-interval", "0s");
    settings.put("switchman.journal.key-file", key.toString());
    return settings;
  }
}
