package org.switchman.audit;

/**
 * The ops log: one line per run start, phase start and end, decision, escalation and run end.
 *
 * <p>A line is recorded with the caller's transaction: it exists once that commits (also if the
 * process dies right after) and never if it rolls back; outside a transaction it is recorded at
 * once. Its sinks (a file, a webhook) get it afterwards, retried until they take it. Recording
 * never blocks on a sink and never fails the caller; a line that has to be dropped is logged and
 * counted.
 */
public interface OpsLog {

  void record(OpsEvent event);
}
