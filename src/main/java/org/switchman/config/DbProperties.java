package org.switchman.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * The MariaDB masters ({@code switchman.db.*}).
 *
 * @param adminUser a user with SUPER (to set read_only) and REPLICATION CLIENT
 * @param passwordFile the file whose first line is that user's password; never logged
 * @param sections the core sections, in the order the runbooks treat them
 * @param masters {@code host:port} of each master, keyed {@code section.dc} (e.g. {@code s1.eqiad})
 * @param connectTimeout how long a connection may take
 * @param queryTimeout how long a statement may take
 * @param newestEditQuery a query that returns, on a section's master, when the newest MediaWiki
 *     edit it holds was written (UTC: a date-time, or MediaWiki's 14 digits such as {@code
 *     rc_timestamp}), for example {@code SELECT MAX(rc_timestamp) FROM enwiki.recentchanges};
 *     unset, a switchover does not check that edits land on the new masters
 */
@ConfigurationProperties("switchman.db")
public record DbProperties(
    String adminUser,
    Path passwordFile,
    List<String> sections,
    Map<String, String> masters,
    Duration connectTimeout,
    Duration queryTimeout,
    String newestEditQuery) {

  public static final List<String> DEFAULT_SECTIONS =
      List.of("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "x1", "es4", "es5");

  @ConstructorBinding
  public DbProperties {
    sections = sections == null || sections.isEmpty() ? DEFAULT_SECTIONS : List.copyOf(sections);
    masters = masters == null ? Map.of() : Map.copyOf(masters);
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(3) : connectTimeout;
    queryTimeout = queryTimeout == null ? Duration.ofSeconds(10) : queryTimeout;
    newestEditQuery =
        newestEditQuery == null || newestEditQuery.isBlank() ? null : newestEditQuery.strip();
  }

  /** Without a query for the newest edit. */
  public DbProperties(
      String adminUser,
      Path passwordFile,
      List<String> sections,
      Map<String, String> masters,
      Duration connectTimeout,
      Duration queryTimeout) {
    this(adminUser, passwordFile, sections, masters, connectTimeout, queryTimeout, null);
  }

  public boolean configured() {
    return adminUser != null && !adminUser.isBlank();
  }

  /**
   * @throws IllegalStateException naming the property that is missing or wrong
   */
  public DbProperties validated() {
    if (!configured()) {
      throw new IllegalStateException("switchman.db.admin-user is not set");
    }
    if (passwordFile == null || !Files.isReadable(passwordFile)) {
      throw new IllegalStateException(
          "switchman.db.password-file names " + passwordFile + ", which cannot be read");
    }
    SecretFiles.requirePrivate("switchman.db.password-file", passwordFile);
    for (String section : sections) {
      for (String dc : List.of("eqiad", "codfw")) {
        String endpoint = masters.get(section + "." + dc);
        if (endpoint == null || !endpoint.matches("[^:]+:\\d+")) {
          throw new IllegalStateException(
              "switchman.db.masters."
                  + section
                  + "."
                  + dc
                  + " must be host:port, found "
                  + endpoint);
        }
      }
    }
    return this;
  }

  /** Reads the password file. */
  public String password() {
    try {
      return Files.readAllLines(passwordFile).get(0).strip();
    } catch (IOException | IndexOutOfBoundsException e) {
      throw new IllegalStateException("Cannot read switchman.db.password-file " + passwordFile, e);
    }
  }
}
