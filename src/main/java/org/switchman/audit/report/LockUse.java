package org.switchman.audit.report;

import java.time.Duration;
import java.time.Instant;

/**
 * The runbook lock a run held.
 *
 * @param lock the lock, {@code runbook/target}
 * @param holder who the lock names as holder
 * @param acquiredAt when the run took it, or {@code null} when the journal has no record of it
 * @param releasedAt when it was released, or {@code null} while held
 * @param releasedBy {@code run end}, the admin who force-released it, or {@code lost: …} with how
 *     the run lost it
 * @param ttl the lease's time to live now, for a lock still held; else {@code null}
 */
public record LockUse(
    String lock,
    String holder,
    Instant acquiredAt,
    Instant releasedAt,
    String releasedBy,
    Duration ttl) {}
