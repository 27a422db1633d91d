/**
 * Answers for task completions that lost a race: {@link
 * org.switchman.process.tasks.LateCompletions} turns the engine's optimistic-locking, missing-task
 * or permission failure into a 409 naming who completed the task, or that the run closed it.
 * Depends on the engine only, no other Switchman package.
 */
package org.switchman.process.tasks;
