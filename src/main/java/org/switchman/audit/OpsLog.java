package org.switchman.audit;

/**
 * The ops log: one line per run start, phase start and end, decision, escalation and run end.
 * Recording never blocks and never fails the caller; a sink that is down loses lines with a
 * warning rather than holding up a switchover.
 */
public interface OpsLog {

  void record(OpsEvent event);
}
