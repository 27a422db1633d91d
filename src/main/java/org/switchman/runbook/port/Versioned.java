package org.switchman.runbook.port;

/**
 * A value as read from a store that versions its keys (etcd's mod revision). Writes take the
 * revision that was read and fail with {@link ConcurrentChangeException} when someone changed the
 * key in between.
 *
 * @param value the value
 * @param revision the key's modification revision when it was read
 */
public record Versioned<T>(T value, long revision) {}
