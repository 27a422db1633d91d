/**
 * A run's frozen parameters ({@link org.switchman.runbook.port.RunParameters}) in a table of the
 * engine's database, written in the engine's own transaction. May depend on {@code runbook.port}
 * and Spring JDBC.
 */
package org.switchman.infra.runs;
