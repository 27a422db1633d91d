package org.switchman.process.steps;

import static org.switchman.process.RunVariableNames.FAILED_CHECK;
import static org.switchman.process.RunVariableNames.FAILED_STEP;
import static org.switchman.process.RunVariableNames.FAILURE_MESSAGE;
import static org.switchman.process.RunVariableNames.SITE_STATE;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.springframework.stereotype.Component;
import org.switchman.process.EngineHooks;
import org.switchman.process.RunbookLocks;
import org.switchman.process.RunbookStartRule.LockTarget;
import org.switchman.process.metrics.StepFailures;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.port.ChangeRefusedException;
import org.switchman.runbook.port.ConcurrentChangeException;
import org.switchman.runbook.port.InfrastructureUnavailableException;
import org.switchman.runbook.port.RunbookLock;
import org.switchman.runbook.port.StepInterruptedException;

/**
 * Runs a runbook step the way every step runs, and puts every way it can fail to an operator, as
 * the {@value #CHECK_FAILED} BPMN error that opens the step's decision, with the check, its
 * message, the step and the state of the site in variables for the decision form:
 *
 * <ul>
 *   <li>a failed check ({@link CheckFailedException}) and a refused change ({@link
 *       ChangeRefusedException}: retrying cannot help) at once;
 *   <li>anything else (a server that does not answer, a lost compare-and-set, a timeout, a bug)
 *       once the step's retries are exhausted; before that the engine retries the step;
 *   <li>never an interruption by shutdown ({@link StepInterruptedException}): the step runs again
 *       when the application does.
 * </ul>
 *
 * <p>Before the step acts, the run makes sure it still holds its locks, and takes one again when it
 * lapsed (a restart, a lease that expired while etcd was out of reach). A run that finds a lock
 * force-released by an administrator, or held by another run, changes nothing and stops at the
 * operator decision with the check {@code runbook-lock}; deciding there lets the step retried take
 * the lock back ({@link RunbookLocks}).
 */
@Component
public class StepRunner {

  /** The BPMN error code of a step that needs an operator's decision. */
  public static final String CHECK_FAILED = "CHECK_FAILED";

  private final StepFailures failures;
  private final RunbookLocks locks;

  public StepRunner(StepFailures failures, RunbookLocks locks) {
    this.failures = failures;
    this.locks = locks;
  }

  /**
   * Runs the step as the class says.
   *
   * @param held the locks the run must hold before the step acts
   * @param siteState the state of the site as the operator deciding will find it; called only when
   *     the step fails, and must not throw
   */
  public <T> T checked(
      DelegateExecution execution,
      List<LockTarget> held,
      Function<DelegateExecution, String> siteState,
      Supplier<T> step) {
    return checked(execution, execution::setVariable, held, siteState, step);
  }

  /**
   * Runs the step as the class says, with the failure's variables set locally on {@code
   * failureScope} instead of wherever {@code setVariable} finds them: for a step of one of several
   * instances that run side by side, whose failures must not meet in a scope they share.
   *
   * @param failureScope the scope whose error boundary catches the step's failure
   */
  public <T> T checked(
      DelegateExecution execution,
      VariableScope failureScope,
      List<LockTarget> held,
      Function<DelegateExecution, String> siteState,
      Supplier<T> step) {
    return checked(execution, failureScope::setVariableLocal, held, siteState, step);
  }

  private <T> T checked(
      DelegateExecution execution,
      BiConsumer<String, Object> failureVariables,
      List<LockTarget> held,
      Function<DelegateExecution, String> siteState,
      Supplier<T> step) {
    try {
      held.forEach(lock -> hold(execution, lock));
      return step.get();
    } catch (CheckFailedException e) {
      throw decision(
          execution,
          failureVariables,
          siteState,
          e.check(),
          e.getMessage(),
          StepFailures.CHECK_FAILED);
    } catch (StepInterruptedException e) {
      throw e;
    } catch (ChangeRefusedException e) {
      throw decision(
          execution,
          failureVariables,
          siteState,
          "change-refused",
          e.getMessage(),
          StepFailures.REFUSED);
    } catch (RuntimeException e) {
      if (!EngineHooks.isLastAttempt()) {
        throw e;
      }
      throw decision(
          execution,
          failureVariables,
          siteState,
          failureKind(e),
          describe(e) + " (still failing after the step's retries)",
          StepFailures.RETRIES_EXHAUSTED);
    }
  }

  private BpmnError decision(
      DelegateExecution execution,
      BiConsumer<String, Object> failureVariables,
      Function<DelegateExecution, String> siteState,
      String check,
      String message,
      String cause) {
    String text = message == null ? check : message;
    failureVariables.accept(FAILED_CHECK, check);
    failureVariables.accept(FAILURE_MESSAGE, bounded(text));
    failureVariables.accept(FAILED_STEP, execution.getCurrentActivityName());
    failureVariables.accept(SITE_STATE, bounded(siteState.apply(execution)));
    String runbook = StepFailures.runbookOf(execution.getProcessDefinitionId());
    String activity = execution.getCurrentActivityId();
    EngineHooks.afterCommit(() -> failures.failed(runbook, activity, cause));
    return new BpmnError(CHECK_FAILED, check + ": " + text);
  }

  /** The {@code failedCheck} of a failure that is not a check: what kind of trouble it is. */
  public static String failureKind(RuntimeException e) {
    if (e instanceof InfrastructureUnavailableException) {
      return "infrastructure-unavailable";
    }
    if (e instanceof ConcurrentChangeException) {
      return "concurrent-change";
    }
    return "unexpected-failure";
  }

  /** A failure as an operator reads it: the message, with the kind of error when it is a bug. */
  public static String describe(RuntimeException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    return e instanceof InfrastructureUnavailableException || e instanceof ConcurrentChangeException
        ? message
        : e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }

  private static String bounded(String text) {
    return text.length() > 3800 ? text.substring(0, 3800) + " …" : text;
  }

  /**
   * Makes sure the run holds these locks, taking back one that lapsed, for a step that puts no
   * failure to an operator.
   *
   * @throws CheckFailedException {@code runbook-lock} when one was force-released or another run
   *     holds it
   */
  public void hold(DelegateExecution execution, List<LockTarget> held) {
    held.forEach(lock -> hold(execution, lock));
  }

  private void hold(DelegateExecution execution, LockTarget lock) {
    try {
      locks.ensure(execution, lock.runbook(), lock.target());
    } catch (RunbookLock.LockRevokedException revoked) {
      throw new CheckFailedException(
          "runbook-lock",
          "This run no longer holds its lock: "
              + revoked.getMessage()
              + ". Nothing was changed by this step. Find out why before you"
              + " decide: retry takes the lock back for this run (unless another run holds it by then).");
    } catch (RunbookLock.LockHeldException held) {
      throw new CheckFailedException(
          "runbook-lock",
          "This run no longer holds its lock: "
              + held.getMessage()
              + ". Nothing was changed by this step; find out who took the lock"
              + " and why before you retry.");
    }
  }
}
