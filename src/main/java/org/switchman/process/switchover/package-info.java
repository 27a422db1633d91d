/**
 * The delegates and start rules of {@code dc-switchover}, {@code db-masters-read-only} and {@code
 * db-masters-read-write}: one thin delegate per service task, named after the task ({@code
 * ServiceTask_SetMediaWikiReadOnly} → {@code setMediaWikiReadOnlyDelegate}), which reads the frozen
 * request, calls one method of {@code runbook.switchover} or {@code runbook.dblockdown} through
 * {@link org.switchman.process.switchover.SwitchoverSteps}, and turns a failed check into the BPMN
 * error that opens an operator decision. May depend on {@code process}, {@code process.metrics},
 * {@code runbook}, {@code audit} and {@code config}.
 */
package org.switchman.process.switchover;
