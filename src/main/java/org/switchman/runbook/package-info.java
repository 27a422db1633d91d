/**
 * The domain: who acts in which run and how ({@link org.switchman.runbook.RunContext}, {@link
 * org.switchman.runbook.ExecutionMode}), the changes a run asks for ({@link
 * org.switchman.runbook.Mutation}, {@link org.switchman.runbook.MutationOutcome}) and how a check
 * or a request fails. Its subpackages hold the ports and one service per runbook concern. Depends
 * on the JDK only: no Camunda, Spring, client library or other Switchman layer.
 */
package org.switchman.runbook;
