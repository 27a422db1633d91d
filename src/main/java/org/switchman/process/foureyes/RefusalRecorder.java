package org.switchman.process.foureyes;

import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.AddCommentCmd;
import org.camunda.bpm.engine.impl.interceptor.Command;

/**
 * Records a four-eyes refusal as a comment on the task, in a transaction of its own: the refusal
 * itself rolls back the engine transaction it happened in, and would otherwise leave no trace.
 * The comment carries the refusing user, the time and the reason, and Tasklist shows it.
 */
public class RefusalRecorder {

  public static final String PREFIX = "Four-eyes refusal";

  private ProcessEngineConfigurationImpl configuration;

  /** Set once the engine configuration exists (the plugin calls it before the engine is built). */
  void bind(ProcessEngineConfigurationImpl configuration) {
    this.configuration = configuration;
  }

  void record(String taskId, String processInstanceId, String user, String action, String reason) {
    String message = PREFIX + ": " + user + " tried to " + action + " this task. " + reason + ".";
    Command<Void> addComment = context -> {
      context.runWithoutAuthorization(new AddCommentCmd(taskId, processInstanceId, message));
      return null;
    };
    configuration.getCommandExecutorTxRequiresNew().execute(addComment);
  }
}
