package org.switchman.lab;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets generated for one lab start. They go only into lab files with mode 0600 and are never
 * logged; {@link #toString()} hides them.
 */
record LabSecrets(
    String mysqlAdminPassword,
    String mysqlAppPassword,
    String mysqlHeartbeatPassword,
    String mysqlReplicationPassword,
    String tsigSecret) {

  static LabSecrets generate() {
    SecureRandom random = new SecureRandom();
    return new LabSecrets(
        password(random),
        password(random),
        password(random),
        password(random),
        Base64.getEncoder().encodeToString(bytes(random, 32)));
  }

  private static byte[] bytes(SecureRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static String password(SecureRandom random) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(random, 18));
  }

  @Override
  public String toString() {
    return "LabSecrets[hidden]";
  }
}
