package org.switchman.process.gates;

import java.util.ArrayList;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.audit.JournalOutbox;
import org.switchman.audit.OpsLog;
import org.switchman.runbook.port.RunParameters;

/**
 * Puts {@link GateGuard} in front of every command the engine runs for a person, with {@link
 * AdminActions} journaling what administrators do to runs.
 */
@Component
public class GatesPlugin extends AbstractProcessEnginePlugin {

  private final JournalOutbox journal;
  private final OpsLog opsLog;
  private final ObjectProvider<RunParameters> parameters;

  public GatesPlugin(
      JournalOutbox journal, OpsLog opsLog, ObjectProvider<RunParameters> parameters) {
    this.journal = journal;
    this.opsLog = opsLog;
    this.parameters = parameters;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    if (configuration.getCustomPostCommandInterceptorsTxRequired() == null) {
      configuration.setCustomPostCommandInterceptorsTxRequired(new ArrayList<>());
    }
    configuration
        .getCustomPostCommandInterceptorsTxRequired()
        .add(
            new GateGuard(
                new FormFields(), new AdminActions(journal, opsLog, parameters::getObject)));
  }
}
