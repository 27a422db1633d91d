package org.switchman.process.foureyes;

import java.util.ArrayList;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.OpsLog;

/** Registers the four-eyes parse listener with the engine. */
@Component
public class FourEyesPlugin extends AbstractProcessEnginePlugin {

  private final Journal journal;
  private final OpsLog opsLog;

  public FourEyesPlugin(Journal journal, OpsLog opsLog) {
    this.journal = journal;
    this.opsLog = opsLog;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    ApprovalRecorder recorder = new ApprovalRecorder(journal, opsLog);
    recorder.bind(configuration);
    if (configuration.getCustomPreBPMNParseListeners() == null) {
      configuration.setCustomPreBPMNParseListeners(new ArrayList<BpmnParseListener>());
    }
    configuration.getCustomPreBPMNParseListeners()
        .add(new FourEyesParseListener(new FourEyesTaskListener(recorder)));
  }
}
