package org.switchman.process;

import java.util.ArrayList;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.deploy.Deployer;

/** The few ways Switchman hooks into the engine, in one place. */
public final class EngineHooks {

  private EngineHooks() {}

  /** Adds a parse listener that runs before the engine's own (it sees the raw definitions). */
  public static void addPreParseListener(ProcessEngineConfigurationImpl configuration,
      BpmnParseListener listener) {
    if (configuration.getCustomPreBPMNParseListeners() == null) {
      configuration.setCustomPreBPMNParseListeners(new ArrayList<>());
    }
    configuration.getCustomPreBPMNParseListeners().add(listener);
  }

  /** Adds a parse listener that runs after the engine's own. */
  public static void addPostParseListener(ProcessEngineConfigurationImpl configuration,
      BpmnParseListener listener) {
    if (configuration.getCustomPostBPMNParseListeners() == null) {
      configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
    }
    configuration.getCustomPostBPMNParseListeners().add(listener);
  }

  /**
   * Adds a deployer that sees every deployment (and every reload of a stored one) before the
   * engine's own deployers parse it.
   */
  public static void addPreDeployer(ProcessEngineConfigurationImpl configuration, Deployer deployer) {
    if (configuration.getCustomPreDeployers() == null) {
      configuration.setCustomPreDeployers(new ArrayList<>());
    }
    configuration.getCustomPreDeployers().add(deployer);
  }

  /**
   * Runs an action once the current engine transaction has committed, so that what it reports
   * (ops log lines, metrics, journal entries) never describes something that was rolled back.
   * Must be called inside an engine command (a listener or delegate).
   */
  public static void afterCommit(Runnable action) {
    Context.getCommandContext().getTransactionContext()
        .addTransactionListener(TransactionState.COMMITTED, context -> action.run());
  }
}
