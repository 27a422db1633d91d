package org.switchman.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The administrator's user id and password, read once at startup.
 *
 * <p>Outside the lab profile both must be configured: the user id in {@code switchman.admin.user}
 * ({@code SWITCHMAN_ADMIN_USER}) and the password in a file named by {@code
 * switchman.admin.password-file} ({@code SWITCHMAN_ADMIN_PASSWORD_FILE}). Without them the
 * application refuses to start. The lab profile falls back to the demo password {@code demo}; the
 * demo users ({@code switchman.demo-users}) exist only with the lab profile.
 */
public record AdminCredentials(String user, String password) {

  private static final String LAB_DEMO_PASSWORD = "demo";

  /** The engine's default user id whitelist. */
  private static final Pattern VALID_USER_ID = Pattern.compile("[a-zA-Z0-9]+");

  /** The password of every demo user in the lab profile. */
  public static String labDemoPassword() {
    return LAB_DEMO_PASSWORD;
  }

  /**
   * Resolves the credentials from the properties.
   *
   * @param labProfile whether the {@code lab} profile is active
   * @throws IllegalStateException naming what to set when the credentials are missing, unreadable
   *     or open to others, or when demo users are asked for outside the lab
   */
  public static AdminCredentials resolve(SwitchmanProperties properties, boolean labProfile) {
    SwitchmanProperties.Admin admin = properties.admin();
    boolean lab = properties.demoUsers();
    if (lab && !labProfile) {
      throw new IllegalStateException(
          "switchman.demo-users is set, but the '"
              + LabProfile.NAME
              + "' profile is not active. Demo users have the well-known password 'demo' and exist"
              + " only in the lab: remove switchman.demo-users (SWITCHMAN_DEMOUSERS) from the"
              + " settings, or start the lab with --spring.profiles.active=lab.");
    }
    String user = admin.user();
    if (user == null || user.isBlank()) {
      throw new IllegalStateException(
          "No administrator is configured. Set SWITCHMAN_ADMIN_USER (switchman.admin.user) to the"
              + " administrator's user id and SWITCHMAN_ADMIN_PASSWORD_FILE"
              + " (switchman.admin.password-file) to a file that holds the password, or start the"
              + " 'lab' profile for a demo.");
    }
    if (!VALID_USER_ID.matcher(user).matches()) {
      throw new IllegalStateException(
          "The administrator user id '"
              + user
              + "' is not valid:"
              + " the engine accepts letters and digits only (switchman.admin.user).");
    }
    Path file = admin.passwordFile();
    if (file == null || file.toString().isBlank()) {
      if (lab) {
        return new AdminCredentials(user, LAB_DEMO_PASSWORD);
      }
      throw new IllegalStateException(
          "No password is configured for the administrator '"
              + user
              + "'. Set"
              + " SWITCHMAN_ADMIN_PASSWORD_FILE (switchman.admin.password-file) to a file that holds"
              + " the password.");
    }
    String password = readPassword(file);
    SecretFiles.requirePrivate("switchman.admin.password-file", file);
    return new AdminCredentials(user, password);
  }

  private static String readPassword(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read the administrator password file " + file + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new IllegalStateException("The administrator password file " + file + " is empty.");
    }
    return lines.get(0).strip();
  }

  @Override
  public String toString() {
    return "AdminCredentials[user=" + user + ", password=***]";
  }
}
