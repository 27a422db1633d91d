package org.switchman.process;

import org.springframework.beans.factory.ObjectProvider;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.RemoteExecutor;

/**
 * The etcd and SSH adapters of a runbook that acts on fleet hosts, looked up when a run first needs
 * them, so the application starts without them and a run says which one is missing.
 *
 * @param conftool conftool in etcd
 * @param remote SSH to the fleet
 */
public record FleetAdapters(Conftool conftool, RemoteExecutor remote) {

  /**
   * @param runbook the runbook asking, for the message
   * @throws IllegalStateException naming the adapters that are not configured
   */
  public static FleetAdapters require(
      String runbook, ObjectProvider<Conftool> conftool, ObjectProvider<RemoteExecutor> remote) {
    Conftool c = conftool.getIfAvailable();
    RemoteExecutor r = remote.getIfAvailable();
    if (c == null || r == null) {
      throw new IllegalStateException(
          runbook
              + " needs etcd and SSH access; configure switchman.etcd.endpoints and"
              + " switchman.ssh.key-file (missing:"
              + (c == null ? " etcd" : "")
              + (r == null ? " ssh" : "")
              + ")");
    }
    return new FleetAdapters(c, r);
  }
}
