package org.switchman.process;

import java.util.ArrayList;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.deploy.Deployer;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.spring.SpringTransactionsProcessEngineConfiguration;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** The few ways Switchman hooks into the engine, in one place. */
public final class EngineHooks {

  private EngineHooks() {}

  /** Adds a parse listener that runs before the engine's own (it sees the raw definitions). */
  public static void addPreParseListener(
      ProcessEngineConfigurationImpl configuration, BpmnParseListener listener) {
    if (configuration.getCustomPreBPMNParseListeners() == null) {
      configuration.setCustomPreBPMNParseListeners(new ArrayList<>());
    }
    configuration.getCustomPreBPMNParseListeners().add(listener);
  }

  /** Adds a parse listener that runs after the engine's own. */
  public static void addPostParseListener(
      ProcessEngineConfigurationImpl configuration, BpmnParseListener listener) {
    if (configuration.getCustomPostBPMNParseListeners() == null) {
      configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
    }
    configuration.getCustomPostBPMNParseListeners().add(listener);
  }

  /**
   * Adds a deployer that sees every deployment (and every reload of a stored one) before the
   * engine's own deployers parse it.
   */
  public static void addPreDeployer(
      ProcessEngineConfigurationImpl configuration, Deployer deployer) {
    if (configuration.getCustomPreDeployers() == null) {
      configuration.setCustomPreDeployers(new ArrayList<>());
    }
    configuration.getCustomPreDeployers().add(deployer);
  }

  /**
   * Runs an action once the current engine transaction has committed, so that what it reports (ops
   * log lines, metrics, journal entries) never describes something that was rolled back. Must be
   * called inside an engine command (a listener or delegate).
   *
   * <p>The action runs outside the committed transaction: Spring keeps its connection bound while
   * after-commit callbacks run, and a write made there would join a transaction that never commits
   * again. Suspended, the action's writes commit by themselves (or in transactions of their own).
   */
  public static void afterCommit(Runnable action) {
    ProcessEngineConfigurationImpl configuration = Context.getProcessEngineConfiguration();
    Context.getCommandContext()
        .getTransactionContext()
        .addTransactionListener(
            TransactionState.COMMITTED, context -> outside(configuration, action));
  }

  private static void outside(ProcessEngineConfigurationImpl configuration, Runnable action) {
    if (configuration instanceof SpringTransactionsProcessEngineConfiguration spring
        && spring.getTransactionManager() != null) {
      TransactionTemplate suspended = new TransactionTemplate(spring.getTransactionManager());
      suspended.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
      suspended.executeWithoutResult(status -> action.run());
    } else {
      action.run();
    }
  }

  /**
   * Whether the step running now has no retry left after this attempt: its job has one retry left
   * and has failed before, or the step does not run in a job at all (nothing would retry it). A
   * job's retries count down from its {@code failedJobRetryTimeCycle} only after its first failure,
   * so a first attempt is never the last one of a cycle of two or more. Must be called inside an
   * engine command (a delegate).
   */
  public static boolean isLastAttempt() {
    JobEntity job = Context.getCommandContext().getCurrentJob();
    return job == null
        || (job.getRetries() <= 1
            && (job.getExceptionMessage() != null || job.getExceptionByteArrayId() != null));
  }

  /**
   * Runs a query without the current user's authorization checks when inside an engine command (a
   * start listener, a step): the engine's own reads, which must see every run and definition
   * whoever started the command. Outside a command it simply runs.
   */
  public static <T> T withoutAuthorization(java.util.function.Supplier<T> query) {
    org.camunda.bpm.engine.impl.interceptor.CommandContext command =
        org.camunda.bpm.engine.impl.context.Context.getCommandContext();
    if (command == null) {
      return query.get();
    }
    try {
      return command.runWithoutAuthorization(query::get);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
