/**
 * The job executor runs each step once at a time: {@link org.switchman.process.jobs.StepDeadlines}
 * bounds every step by the timeouts of its calls and the topology, {@link
 * org.switchman.process.jobs.JobLockTimeCheck} refuses a start whose job lock time is not longer
 * than the longest step, {@link org.switchman.process.jobs.NodeLockOwnerPlugin} locks jobs under
 * the node's stable name and releases its own locks at startup, and {@link
 * org.switchman.process.jobs.ClusterMembership} beats for the node among those sharing the engine
 * database, keeps its running jobs locked and releases the jobs of a node that died; every metric
 * is tagged with the node's name. Depends on the engine, Spring, Micrometer, {@code config}, {@code
 * audit} (the failover's journal entries), the run contexts of {@code process} and the node
 * registry's port.
 */
package org.switchman.process.jobs;
