package org.switchman.runbook.port;

/** A compare-and-set write lost: the key changed after it was read. Nothing was overwritten. */
public class ConcurrentChangeException extends RuntimeException {

  public ConcurrentChangeException(String key, long expectedRevision, long actualRevision) {
    super(
        "Concurrent change of "
            + key
            + ": read at revision "
            + expectedRevision
            + ", now at revision "
            + actualRevision
            + "; nothing was written. Read it again and decide.");
  }
}
