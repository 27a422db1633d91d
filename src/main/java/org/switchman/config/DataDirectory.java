package org.switchman.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Creates the data directory ({@code switchman.data-dir}) private to the account running Switchman
 * (0700) before anything writes into it: it holds the engine database with the password hashes, the
 * journal and every run's variables, and the ops log. An existing directory that its group or
 * others may enter is kept as it is, with a warning.
 */
@Component
public class DataDirectory implements BeanFactoryPostProcessor, PriorityOrdered, EnvironmentAware {

  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    ensure(Binder.get(environment).bind("switchman.data-dir", Path.class).orElse(Path.of("data")));
  }

  /**
   * Creates the directory with mode 0700 when it is missing.
   *
   * @throws IllegalStateException naming the directory when it cannot be created
   */
  public static void ensure(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        warnIfOpen(dir);
        return;
      }
      Files.createDirectories(dir.toAbsolutePath().getParent());
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
      } catch (UnsupportedOperationException noPosix) {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot create the data directory " + dir + " (switchman.data-dir): " + e, e);
    }
  }

  private static void warnIfOpen(Path dir) throws IOException {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
      if (!OWNER_ONLY.containsAll(permissions)) {
        LOG.warn(
            "The data directory {} is open to its group or others ({}); it holds the engine"
                + " database and the ops log: chmod 700 {}",
            dir,
            PosixFilePermissions.toString(permissions),
            dir);
      }
    } catch (UnsupportedOperationException noPosix) {
      // nothing to check
    }
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
