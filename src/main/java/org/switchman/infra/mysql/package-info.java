/**
 * {@link org.switchman.runbook.port.DbMasters} over JDBC (MariaDB Connector/J): read-only switches
 * through {@code infra.Mutations}, replication state and pt-heartbeat catch-up. May depend on
 * {@code runbook}, {@code infra} and {@code config}.
 */
package org.switchman.infra.mysql;
