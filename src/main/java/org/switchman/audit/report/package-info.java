/**
 * Run reports for auditors: {@link org.switchman.audit.report.RunReports} joins a run's history
 * (the {@link org.switchman.audit.report.RunHistory} port, read from the engine by {@code
 * process.history}) with its journal entries, with the JSON and CSV exports and the records the
 * pages show (runs list, live view, lock table). May depend on {@code audit}, {@code runbook} and
 * its ports; no Camunda, Spring or client library.
 */
package org.switchman.audit.report;
