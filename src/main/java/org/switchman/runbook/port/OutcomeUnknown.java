package org.switchman.runbook.port;

/**
 * Marks a failure after which a change may or may not have taken effect: the request left, and the
 * answer did not come back in time (an etcd transaction whose answer is lost after the timeout, a
 * DNS update that is not answered, {@code SET GLOBAL read_only} past the socket timeout, an SSH
 * command that timed out). The mutation choke point journals such a failure as {@code UNKNOWN}, not
 * {@code FAILED}, and the next attempt of the step reads the world and settles it ({@code
 * RECONCILED}).
 */
public interface OutcomeUnknown {}
