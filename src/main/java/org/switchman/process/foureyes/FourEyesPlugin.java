package org.switchman.process.foureyes;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalOutbox;
import org.switchman.audit.OpsLog;
import org.switchman.process.EngineHooks;

/** Registers the four-eyes parse listener with the engine. */
@Component
public class FourEyesPlugin extends AbstractProcessEnginePlugin {

  private final Journal journal;
  private final JournalOutbox journalOutbox;
  private final OpsLog opsLog;

  public FourEyesPlugin(Journal journal, JournalOutbox journalOutbox, OpsLog opsLog) {
    this.journal = journal;
    this.journalOutbox = journalOutbox;
    this.opsLog = opsLog;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    ApprovalRecorder recorder = new ApprovalRecorder(journal, journalOutbox, opsLog);
    recorder.bind(configuration);
    EngineHooks.addPreParseListener(
        configuration, new FourEyesParseListener(new FourEyesTaskListener(recorder)));
  }
}
