package org.switchman.process.foureyes;

import java.util.ArrayList;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;

/** Registers the four-eyes parse listener with the engine. */
@Component
public class FourEyesPlugin extends AbstractProcessEnginePlugin {

  private final Journal journal;

  public FourEyesPlugin(Journal journal) {
    this.journal = journal;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    ApprovalRecorder recorder = new ApprovalRecorder(journal);
    recorder.bind(configuration);
    if (configuration.getCustomPreBPMNParseListeners() == null) {
      configuration.setCustomPreBPMNParseListeners(new ArrayList<BpmnParseListener>());
    }
    configuration.getCustomPreBPMNParseListeners()
        .add(new FourEyesParseListener(new FourEyesTaskListener(recorder)));
  }
}
