/**
 * The audit journal ({@link org.switchman.audit.Journal}) in tables of the engine's database,
 * written in transactions of its own, and its outbox ({@link org.switchman.audit.JournalOutbox})
 * for entries written with an engine transaction and chained after its commit. May depend on {@code
 * audit}, {@code config}, Spring JDBC and Spring's transactions.
 */
package org.switchman.infra.journal;
