package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_STARTED_AT;

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
    // the window opens with the first change, committed before it: a retry after a partial
    // failure, or a resume after a crash, keeps that start
    Instant started =
        steps.checked(
            execution,
            () ->
                steps
                    .switchover()
                    .setReadOnly(
                        steps.context(execution),
                        steps.request(execution),
                        first -> {
                          if (steps.frozen(execution, READ_ONLY_STARTED_AT) == null) {
                            steps
                                .runs()
                                .recordAtOnce(execution, READ_ONLY_STARTED_AT, first.toString());
                          }
                        }));
    steps.runs().freeze(execution, READ_ONLY_STARTED_AT, started.toString());
  }
}
