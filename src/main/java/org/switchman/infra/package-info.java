/**
 * Adapters: the ports of {@code runbook.port} and {@code audit} implemented with sshj, jetcd,
 * dnsjava, JDBC and the engine's database, one subpackage per technology. {@link
 * org.switchman.infra.Mutations} is the one choke point every change of the outside world goes
 * through (mode, journal, act, verify), and {@link org.switchman.infra.AdaptersConfiguration}
 * creates each adapter when its settings are present. May depend on {@code runbook}, {@code audit},
 * {@code config} and the client libraries, which no other layer but the lab uses; never on {@code
 * process} or {@code web}.
 */
package org.switchman.infra;
