package org.switchman.audit.report;

import java.time.Instant;
import java.util.List;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalVerification;

/**
 * Everything an auditor needs about one run: the engine's history joined with the journal. This is
 * also the JSON export (format {@value #FORMAT}).
 *
 * @param format the export format's name and version
 * @param generatedAt when the report was made
 * @param summary the run
 * @param definitionId the diagram version it executed
 * @param runIds the run and the processes it called
 * @param timeline phases and steps with start, end and duration
 * @param approvals decisions, refusals and expiries at approval tasks
 * @param decisions operator decisions after failed steps
 * @param lock the runbook lock the run held, or {@code null} when it took none
 * @param journal the run's journal entries in chain order
 * @param journalCheck the hash-chain check of those entries
 * @param incidents incidents raised
 * @param openTasks user tasks waiting now
 * @param visitedActivityIds diagram elements the run passed through
 * @param activeActivityIds diagram elements it is in now
 */
public record RunReport(String format, Instant generatedAt, RunSummary summary,
    String definitionId, List<String> runIds, List<TimelineEntry> timeline,
    List<Approval> approvals, List<OperatorDecision> decisions, LockUse lock,
    List<JournalEntry> journal, JournalVerification journalCheck, List<Incident> incidents,
    List<OpenTask> openTasks, List<String> visitedActivityIds, List<String> activeActivityIds) {

  public static final String FORMAT = "switchman-run-report/1";
}
