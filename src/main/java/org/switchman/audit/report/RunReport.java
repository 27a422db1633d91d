package org.switchman.audit.report;

import java.time.Instant;
import java.util.List;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalVerification;
import org.switchman.audit.PlainText;

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
 * @param journalHead the journal's head published at the run's end, against the journal now
 * @param reconciliations changes whose outcome was not journaled as they happened (the application
 *     died, or a timeout left it unknown) or that a repeated step found in effect, and how a later
 *     read settled them
 */
public record RunReport(
    String format,
    Instant generatedAt,
    RunSummary summary,
    String definitionId,
    List<String> runIds,
    List<TimelineEntry> timeline,
    List<Approval> approvals,
    List<OperatorDecision> decisions,
    LockUse lock,
    List<JournalEntry> journal,
    JournalVerification journalCheck,
    List<Incident> incidents,
    List<OpenTask> openTasks,
    List<String> visitedActivityIds,
    List<String> activeActivityIds,
    JournalHeadCheck journalHead,
    List<Reconciliation> reconciliations) {

  public static final String FORMAT = "switchman-run-report/1";

  /**
   * The same report with the journal's texts made safe to show ({@link PlainText}): no control
   * characters, line breaks only in outputs, comments and justifications. For pages and the CSV
   * export; the JSON export keeps the entries exactly as stored, as hashed.
   */
  public RunReport printable() {
    List<JournalEntry> entries =
        journal.stream()
            .map(
                e ->
                    new JournalEntry(
                        e.seq(),
                        e.at(),
                        line(e.runId()),
                        line(e.step()),
                        line(e.actor()),
                        line(e.mode()),
                        line(e.kind()),
                        line(e.target()),
                        line(e.action()),
                        line(e.outcome()),
                        PlainText.multiLine(e.output()),
                        e.durationMillis(),
                        line(e.hostKeyFingerprint()),
                        e.previousHash(),
                        e.hash(),
                        e.scheme(),
                        line(e.idempotencyKey())))
            .toList();
    List<Approval> cleanApprovals =
        approvals.stream()
            .map(
                a ->
                    new Approval(
                        line(a.step()),
                        line(a.task()),
                        line(a.user()),
                        a.at(),
                        line(a.decision()),
                        PlainText.multiLine(a.comment()),
                        a.journalSeq()))
            .toList();
    List<OperatorDecision> cleanDecisions =
        decisions.stream()
            .map(
                d ->
                    new OperatorDecision(
                        line(d.step()),
                        line(d.target()),
                        line(d.user()),
                        d.at(),
                        line(d.decision()),
                        line(d.question()),
                        PlainText.multiLine(d.justification()),
                        d.journalSeq()))
            .toList();
    return new RunReport(
        format,
        generatedAt,
        summary,
        definitionId,
        runIds,
        timeline,
        cleanApprovals,
        cleanDecisions,
        lock,
        entries,
        journalCheck,
        incidents,
        openTasks,
        visitedActivityIds,
        activeActivityIds,
        journalHead,
        reconciliations.stream()
            .map(
                r ->
                    new Reconciliation(
                        line(r.idempotencyKey()),
                        line(r.step()),
                        line(r.target()),
                        line(r.action()),
                        r.cause(),
                        r.intentSeq(),
                        r.unknownSeq(),
                        PlainText.multiLine(r.unknownDetail()),
                        r.reconciledSeq(),
                        r.reconciledAt(),
                        line(r.result()),
                        PlainText.multiLine(r.detail())))
            .toList());
  }

  private static String line(String text) {
    return PlainText.singleLine(text);
  }
}
