package org.switchman.runbook.port;

import org.switchman.runbook.RunContext;

/**
 * Settles what earlier attempts of a step left open, before the step acts again: a change journaled
 * as {@code INTENT} without an outcome (the application died between the two) or with the outcome
 * {@code UNKNOWN} (a timeout). For each, the world is read and {@code RECONCILED} is journaled with
 * {@code applied} or {@code not-applied}, naming the open entry.
 */
public interface Reconciler {

  /**
   * Settles the open changes of this run's step ({@link RunContext#step()}) that other attempts of
   * it began ({@link RunContext#stepInstance()}; without an instance, all of them).
   *
   * @throws RuntimeException when the world cannot be read (a server down): nothing may act before
   *     the open changes are settled, so the step fails and is retried
   */
  void reconcile(RunContext run);
}
