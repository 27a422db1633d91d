package org.switchman.audit.report;

import java.time.Instant;

/**
 * A user task waiting for a person.
 *
 * @param taskId the task's id
 * @param activityId the diagram element
 * @param name the task's name
 * @param assignee who claimed it, or {@code null}
 * @param candidateGroups who may work it, comma-separated
 * @param createdAt when it opened
 * @param due when it expires, or {@code null}
 */
public record OpenTask(
    String taskId,
    String activityId,
    String name,
    String assignee,
    String candidateGroups,
    Instant createdAt,
    Instant due) {}
