package org.switchman.process.switchover;

import static org.switchman.process.switchover.SwitchoverVars.*;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.runbook.RunContext;

/**
 * The read-only budget ran out while MediaWiki is still read-only: flags the run, writes an ops
 * log line (and so the webhook), journals it and counts it; the run goes on.
 */
@Component
public class EscalateReadOnlyOverrunDelegate implements JavaDelegate {

  private final RunContexts runs;
  private final OpsLog opsLog;
  private final Journal journal;
  private final MeterRegistry registry;

  public EscalateReadOnlyOverrunDelegate(OpsLog opsLog, Journal journal, MeterRegistry registry, RunContexts runs) {
    this.runs = runs;
    this.opsLog = opsLog;
    this.journal = journal;
    this.registry = registry;
  }

  @Override
  public void execute(DelegateExecution execution) {
    RunContext run = runs.of(execution);
    String budget = runs.frozen(execution, READ_ONLY_BUDGET);
    String detail = "read-only window over its budget of " + budget + " (read-only since "
        + runs.frozen(execution, READ_ONLY_STARTED_AT) + ")";
    execution.setVariable(READ_ONLY_BUDGET_EXCEEDED, true);
    journal.append(new JournalEntry.Draft(run.runId(), run.step(), "system", run.mode().value(),
        "ESCALATION", "read-only window", "budget " + budget, "EXCEEDED", detail, null, null));
    opsLog.record(new OpsEvent(Instant.now(), OpsEvent.Kind.ESCALATION, "dc-switchover",
        run.runId(), null, runs.frozen(execution, REASON),
        runs.frozen(execution, TICKET), detail));
    Counter.builder("switchman.readonly.budget.exceeded").description("Read-only budgets exceeded")
        .register(registry).increment();
  }
}
