package org.switchman.support;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.switchman.lab.Lab;

/**
 * Nodes of one cluster for the tests: child JVMs ({@link ChildApp}) attached to one lab, on one
 * PostgreSQL ({@link ThrowawayPostgres}), with one journal key and each its own name.
 */
public final class ClusterNodes {

  private ClusterNodes() {}

  /**
   * A node, not started yet.
   *
   * @param settings further settings for every start of the node
   */
  public static ChildApp node(
      Lab lab,
      ThrowawayPostgres postgres,
      Path journalKey,
      String name,
      Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(postgres.settings());
    all.put("spring.profiles.active", "lab,lab-attach,postgres");
    all.put("switchman.node-name", name);
    all.put("switchman.journal.key-file", journalKey.toString());
    all.putAll(settings);
    return ChildApp.attachedTo(lab, all);
  }
}
