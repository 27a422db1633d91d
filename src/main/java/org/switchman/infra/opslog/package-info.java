/**
 * The ops log ({@link org.switchman.audit.OpsLog}): a table that is also the outbox, written in the
 * caller's transaction, from which a file writer and an optional signed webhook deliverer, each on
 * a thread of its own, take the lines. May depend on {@code audit}, {@code config}, Spring JDBC,
 * Spring's transactions and Micrometer.
 */
package org.switchman.infra.opslog;
