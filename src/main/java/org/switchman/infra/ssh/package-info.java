/**
 * {@link org.switchman.runbook.port.RemoteExecutor} over SSH with sshj: strict known_hosts, key
 * authentication, reused connections, every command through {@code infra.Mutations}. May depend on
 * {@code runbook}, {@code infra} and {@code config}.
 */
package org.switchman.infra.ssh;
