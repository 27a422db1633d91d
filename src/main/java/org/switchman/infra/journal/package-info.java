/**
 * The audit journal ({@link org.switchman.audit.Journal}) in tables of the engine's database,
 * written in transactions of its own. May depend on {@code audit}, {@code config}, Spring JDBC and
 * Spring's transactions.
 */
package org.switchman.infra.journal;
