/**
 * The job executor runs each step once at a time: {@link org.switchman.process.jobs.StepDeadlines}
 * bounds every step by the timeouts of its calls and the topology, {@link
 * org.switchman.process.jobs.JobLockTimeCheck} refuses a start whose job lock time is not longer
 * than the longest step, and {@link org.switchman.process.jobs.NodeLockOwnerPlugin} locks jobs
 * under the node's stable name and releases its own locks at startup; every metric is tagged with
 * that name. Depends on the engine, Spring, Micrometer and {@code config} only.
 */
package org.switchman.process.jobs;
