package org.switchman.runbook.restart;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a restart does to a host after the grace and before the restart itself, so that the service
 * stops taking work cleanly. The catalogue names it; the command lives here.
 */
public enum Drain {
  /** Nothing beyond the depool and the grace. */
  NONE("none", null),
  /**
   * {@code nodetool drain}: Cassandra flushes its memtables and stops listening (reference 000).
   */
  NODETOOL_DRAIN("nodetool-drain", "nodetool drain");

  private final String drainName;
  private final String command;

  Drain(String drainName, String command) {
    this.drainName = drainName;
    this.command = command;
  }

  /** The name the catalogue uses. */
  public String drainName() {
    return drainName;
  }

  /** The command that drains the host; empty for {@link #NONE}. */
  public Optional<String> command() {
    return Optional.ofNullable(command);
  }

  /** The drain of that name; empty for a name no drain has. */
  public static Optional<Drain> named(String name) {
    return Arrays.stream(values()).filter(drain -> drain.drainName.equals(name)).findFirst();
  }

  /** Every drain's name, for messages that list what may be named. */
  public static List<String> names() {
    return Arrays.stream(values()).map(Drain::drainName).toList();
  }
}
