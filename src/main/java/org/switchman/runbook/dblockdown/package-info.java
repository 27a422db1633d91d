/**
 * The database masters read-only and read-write again, one section at a time: switchover phases 3
 * and 6, and the {@code db-masters-read-only} and {@code db-masters-read-write} processes. May
 * depend on {@code runbook} and its ports only.
 */
package org.switchman.runbook.dblockdown;
