package org.switchman.runbook;

/** What the mutation choke point did with a mutation. */
public enum MutationOutcome {
  /** Performed, and its post-condition (if any) verified. */
  PERFORMED,
  /** Dry-run: recorded as "would: …", not performed. */
  WOULD,
  /** Live-test: aimed at the active datacenter, refused and recorded, not performed. */
  REFUSED
}
