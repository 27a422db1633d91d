package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.*;

import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Phase 2: MediaWiki read-only; the first success opens the read-only window. */
@Component
public class SetMediaWikiReadOnlyDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;

  public SetMediaWikiReadOnlyDelegate(SwitchoverSteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Instant started = steps.checked(execution, () -> steps.switchover()
        .setReadOnly(steps.context(execution), steps.request(execution)));
    // the first success opens the window; a retry keeps that start
    steps.runs().freeze(execution, READ_ONLY_STARTED_AT, started.toString());
  }
}
