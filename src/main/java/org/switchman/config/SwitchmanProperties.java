package org.switchman.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Top-level Switchman settings ({@code switchman.*}).
 *
 * @param dataDir where the engine database and lab state live ({@code ./data} by default)
 * @param admin the administrator account that the application creates or updates at startup
 * @param demoUsers whether to create the demo users with the password {@code demo}; only the lab
 *     profile sets it, and the application refuses to start when it is set without that profile
 * @param removeDemoUsers outside the lab, delete demo users found in the engine database at startup
 *     instead of refusing to start
 */
@ConfigurationProperties("switchman")
public record SwitchmanProperties(
    Path dataDir, Admin admin, boolean demoUsers, boolean removeDemoUsers) {

  /**
   * The administrator account.
   *
   * @param user the user id, for example {@code admin}
   * @param passwordFile a file whose first line is the password; the password is never logged
   */
  public record Admin(String user, Path passwordFile) {}

  public SwitchmanProperties {
    if (dataDir == null) {
      dataDir = Path.of("data");
    }
    if (admin == null) {
      admin = new Admin(null, null);
    }
  }
}
