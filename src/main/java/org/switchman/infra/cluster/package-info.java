/**
 * The nodes that share one engine database: their registry with its heartbeats ({@link
 * org.switchman.runbook.port.NodeRegistry}) and the lock that takes their starts one at a time on
 * PostgreSQL. May depend on {@code runbook.port}, {@code config} (the cluster's settings), Spring
 * JDBC and Spring Boot's start-up events.
 */
package org.switchman.infra.cluster;
