package org.switchman.process;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;

/**
 * What the engine does when a runbook's process starts, whatever the start path: check and freeze
 * the request, then take the runbook's lock. {@link RunbookStarts} attaches it to every process
 * with one of its keys, as a built-in listener that no diagram can leave out and no start option
 * can skip.
 */
public interface RunbookStartRule {

  /** The process keys whose start this rule checks. */
  Set<String> processKeys();

  /**
   * Checks the request of a run and freezes it ({@link RunContexts#freeze}); a process called by
   * another run uses the caller's request.
   *
   * @throws org.switchman.runbook.InvalidRequestException naming every problem; the start fails and
   *     no run exists afterwards
   */
  void validate(DelegateExecution execution);

  /**
   * The runbook locks a run holds from its start to its end, taken in this order when it starts.
   *
   * @param frozen the run's frozen parameters, as {@link #validate} left them
   */
  List<LockTarget> locks(Map<String, String> frozen);

  /** A runbook lock: the runbook and the target it covers. */
  record LockTarget(String runbook, String target) {}
}
