/**
 * The audit trail's contracts and rules: the hash-chained journal ({@link
 * org.switchman.audit.Journal}, its entries, chain and verification, and the {@link
 * org.switchman.audit.JournalOutbox} for entries written with an engine change), the ops log
 * ({@link org.switchman.audit.OpsLog}, {@link org.switchman.audit.OpsEvent}) and {@link
 * org.switchman.audit.PlainText} for showing text from users and hosts. The stores live in {@code
 * infra.journal} and {@code infra.opslog}. Depends on the JDK only.
 */
package org.switchman.audit;
