package org.switchman.runbook;

/** What the mutation choke point did with a mutation. */
public enum MutationOutcome {
  /**
   * Performed, and its post-condition (if any) verified; or found in effect after an earlier
   * attempt of the run made it (journaled {@code RECONCILED applied}), and not made again.
   */
  PERFORMED,
  /** Dry-run: recorded as "would: …", not performed. */
  WOULD,
  /** Live-test: aimed at the active datacenter, refused and recorded, not performed. */
  REFUSED
}
