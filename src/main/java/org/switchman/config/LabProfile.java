package org.switchman.config;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * The {@code lab} profile: the lab's servers, its own engine database under {@code
 * <data-dir>/lab/}, the demo users, and the app bound to 127.0.0.1. Only this profile has demo
 * passwords.
 */
public final class LabProfile {

  public static final String NAME = "lab";

  /**
   * The profile whose adapters drive a lab running in another process, read from its {@code
   * lab.env} ({@code org.switchman.lab.LabAttachSettings}); it brings no users of its own.
   */
  public static final String ATTACH = "lab-attach";

  private LabProfile() {}

  /** The property that, set to {@code false}, keeps the lab's servers from starting. */
  public static final String SERVERS = "switchman.lab.servers";

  public static boolean isActive(Environment environment) {
    return environment.acceptsProfiles(Profiles.of(NAME));
  }

  /** Whether the lab's servers run: the lab profile, unless {@value #SERVERS} is {@code false}. */
  public static boolean hasServers(Environment environment) {
    return isActive(environment) && environment.getProperty(SERVERS, Boolean.class, Boolean.TRUE);
  }

  /** Whether a lab provides the adapters' settings: its own servers, or an attached lab. */
  public static boolean providesAdapters(Environment environment) {
    return hasServers(environment) || environment.acceptsProfiles(Profiles.of(ATTACH));
  }
}
