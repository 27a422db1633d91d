package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_ENDED_AT;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_STARTED_AT;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_WINDOW_MILLIS;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.EngineHooks;
import org.switchman.process.RunVariableNames;

/**
 * Phase 7: MediaWiki read-write again, which closes the read-only window. Its end and duration go
 * into the run's variables (so history shows them) and into the metric {@code
 * switchman_readonly_window_seconds}.
 */
@Component
public class SetMediaWikiReadWriteDelegate implements JavaDelegate {

  private final SwitchoverSteps steps;
  private final MeterRegistry registry;

  public SetMediaWikiReadWriteDelegate(SwitchoverSteps steps, MeterRegistry registry) {
    this.steps = steps;
    this.registry = registry;
  }

  @Override
  public void execute(DelegateExecution execution) {
    Instant ended =
        steps.checked(
            execution,
            () ->
                steps
                    .switchover()
                    .setReadWrite(steps.context(execution), steps.request(execution)));
    String startedText = steps.frozen(execution, READ_ONLY_STARTED_AT);
    Duration window =
        Duration.between(startedText == null ? ended : Instant.parse(startedText), ended);
    execution.setVariable(READ_ONLY_ENDED_AT, ended.toString());
    execution.setVariable(READ_ONLY_WINDOW_MILLIS, window.toMillis());
    String mode = steps.frozen(execution, RunVariableNames.MODE);
    EngineHooks.afterCommit(
        () ->
            Timer.builder("switchman.readonly.window")
                .description("MediaWiki read-only window of a switchover")
                .tag("mode", mode)
                .register(registry)
                .record(window));
  }
}
