/**
 * The ops log ({@link org.switchman.audit.OpsLog}): a file, a table for the ops log page and an
 * optional signed webhook, written by one background worker. May depend on {@code audit}, {@code
 * config} and Spring JDBC.
 */
package org.switchman.infra.opslog;
