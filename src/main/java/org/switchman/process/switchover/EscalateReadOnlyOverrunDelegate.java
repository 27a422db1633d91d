package org.switchman.process.switchover;

import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.TICKET;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_BUDGET;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_BUDGET_EXCEEDED;
import static org.switchman.process.switchover.SwitchoverVars.READ_ONLY_STARTED_AT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.EngineHooks;
import org.switchman.process.RunContexts;
import org.switchman.runbook.RunContext;

/**
 * The read-only budget ran out while MediaWiki is still read-only: flags the run, writes an ops log
 * line (and so the webhook), journals it and counts it; the run goes on. The budget timer repeats
 * every {@code readOnlyOverrunInterval} while the window stays open, and each repetition comes here
 * again, saying how long MediaWiki has been read-only by then.
 */
@Component
public class EscalateReadOnlyOverrunDelegate implements JavaDelegate {

  private final RunContexts runs;
  private final OpsLog opsLog;
  private final Journal journal;
  private final MeterRegistry registry;

  public EscalateReadOnlyOverrunDelegate(
      OpsLog opsLog, Journal journal, MeterRegistry registry, RunContexts runs) {
    this.runs = runs;
    this.opsLog = opsLog;
    this.journal = journal;
    this.registry = registry;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RunContext run = runs.of(execution);
    String budget = runs.frozen(execution, READ_ONLY_BUDGET);
    String since = runs.frozen(execution, READ_ONLY_STARTED_AT);
    String detail =
        "run "
            + run.runId()
            + ": read-only window over its budget of "
            + budget
            + (since == null
                ? " (ReadOnly on has not succeeded yet)"
                : " (MediaWiki read-only since " + since + ", " + minutes(since) + " min)");
    execution.setVariable(READ_ONLY_BUDGET_EXCEEDED, true);
    journal.append(
        JournalKind.ESCALATION.entry(
            RunContexts.origin(run).as(JournalEntry.SYSTEM),
            "read-only window",
            "budget " + budget,
            "EXCEEDED",
            detail));
    opsLog.record(
        new OpsEvent(
            Instant.now(),
            OpsEvent.Kind.ESCALATION,
            "dc-switchover",
            run.runId(),
            null,
            runs.frozen(execution, REASON),
            runs.frozen(execution, TICKET),
            detail));
    EngineHooks.afterCommit(
        () ->
            Counter.builder("switchman.readonly.budget.exceeded")
                .description("Escalations of read-only windows over their budget")
                .register(registry)
                .increment());
  }

  private static long minutes(String since) {
    return java.time.Duration.between(Instant.parse(since), ClockUtil.getCurrentTime().toInstant())
        .toMinutes();
  }
}
