package org.switchman.audit.report;

import java.time.Instant;

/**
 * A step the engine could not run, after its retries.
 *
 * @param activityId where it happened
 * @param type the engine's incident type, e.g. {@code failedJob}
 * @param message the error
 * @param createdAt when it was raised
 * @param endedAt when it was resolved or deleted, or {@code null} while open
 * @param state {@code open}, {@code resolved} or {@code deleted}
 */
public record Incident(
    String activityId,
    String type,
    String message,
    Instant createdAt,
    Instant endedAt,
    String state) {}
