package org.switchman.audit.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.switchman.audit.JournalEntry;

/**
 * The CSV export of a run report (RFC 4180, UTF-8, one header line). The columns are stable; new
 * ones are only ever added at the end:
 *
 * <ol>
 *   <li>{@code record}: what the row is: {@code run}, {@code deployment} (the deployment the run
 *       executed: name, deployer, deployment id and version tag), {@code read-only-window}, {@code
 *       lock}, {@code timeline}, {@code approval}, {@code decision}, {@code incident}, {@code
 *       journal}, {@code reconciliation} (a change whose outcome was unknown and what settled it:
 *       {@code seq} the settling entry, {@code name} the cause, {@code outcome} the result or
 *       {@code open}, {@code detail} the entries it settles), or {@code journal-head} (the head
 *       published at the run's end, {@code name} {@code at run end}, and the head now, {@code name}
 *       {@code now}: seq and hash)
 *   <li>{@code seq}: the journal entry's seq (journal, approval and decision rows)
 *   <li>{@code at}: when it started or happened (ISO-8601, UTC)
 *   <li>{@code ended_at}: when it ended, for rows with a duration
 *   <li>{@code duration_ms}: the duration in milliseconds
 *   <li>{@code step}: the diagram element (activity id)
 *   <li>{@code name}: the step's name, the runbook, the deployment, or the lock
 *   <li>{@code actor}: who acted or decided
 *   <li>{@code target}: the host, key, record, section or task concerned
 *   <li>{@code action}: the exact command or change, or the question decided
 *   <li>{@code outcome}: the result or decision
 *   <li>{@code detail}: output, comment, justification or error
 *   <li>{@code host_key}: the SSH host-key fingerprint that answered
 *   <li>{@code hash}: the journal entry's hash
 *   <li>{@code idempotency_key}: the key of the change attempt (journal and reconciliation rows)
 * </ol>
 */
public final class RunReportCsv {

  public static final List<String> COLUMNS =
      List.of(
          "record",
          "seq",
          "at",
          "ended_at",
          "duration_ms",
          "step",
          "name",
          "actor",
          "target",
          "action",
          "outcome",
          "detail",
          "host_key",
          "hash",
          "idempotency_key");

  private RunReportCsv() {}

  /**
   * The CSV of a report; the journal's texts are made printable first ({@link
   * RunReport#printable}).
   */
  public static String of(RunReport fullReport) {
    RunReport report = fullReport.printable();
    StringBuilder csv = new StringBuilder();
    row(csv, COLUMNS);
    RunSummary run = report.summary();
    row(
        csv,
        "run",
        null,
        run.startedAt(),
        run.endedAt(),
        millis(run.startedAt(), run.endedAt()),
        report.definitionId(),
        run.runbook(),
        run.startedBy(),
        run.target(),
        "mode " + run.mode() + "; reason " + run.reason() + "; ticket " + run.ticket(),
        run.outcome(),
        run.runId(),
        null,
        null);
    RunDeployment deployment = run.deployment();
    if (deployment != null) {
      row(
          csv,
          "deployment",
          null,
          deployment.deployedAt(),
          null,
          null,
          null,
          deployment.name(),
          deployment.deployedBy(),
          deployment.id(),
          deployment.versionTag() == null ? null : "version tag " + deployment.versionTag(),
          null,
          null,
          null,
          null);
    }
    ReadOnlyWindow window = run.readOnlyWindow();
    if (window != null) {
      row(
          csv,
          "read-only-window",
          null,
          window.startedAt(),
          window.endedAt(),
          millis(window.startedAt(), window.endedAt()),
          null,
          null,
          null,
          null,
          window.budget() == null ? null : "budget " + window.budget(),
          window.budgetExceeded() ? "budget exceeded" : window.open() ? "open" : "within budget",
          null,
          null,
          null);
    }
    LockUse lock = report.lock();
    if (lock != null) {
      row(
          csv,
          "lock",
          null,
          lock.acquiredAt(),
          lock.releasedAt(),
          millis(lock.acquiredAt(), lock.releasedAt()),
          null,
          lock.lock(),
          lock.holder(),
          null,
          null,
          lock.releasedAt() == null ? "held" : "released",
          lock.releasedBy(),
          null,
          null);
    }
    for (TimelineEntry step : report.timeline()) {
      row(
          csv,
          "timeline",
          null,
          step.startedAt(),
          step.endedAt(),
          step.durationMillis(),
          step.activityId(),
          step.name(),
          step.assignee(),
          null,
          step.type(),
          step.endedAt() == null ? "running" : step.canceled() ? "cancelled" : "completed",
          "depth " + step.depth(),
          null,
          null);
    }
    for (Approval approval : report.approvals()) {
      row(
          csv,
          "approval",
          approval.journalSeq(),
          approval.at(),
          null,
          null,
          approval.step(),
          approval.task(),
          approval.user(),
          null,
          null,
          approval.decision(),
          approval.comment(),
          null,
          null);
    }
    for (OperatorDecision decision : report.decisions()) {
      row(
          csv,
          "decision",
          decision.journalSeq(),
          decision.at(),
          null,
          null,
          decision.step(),
          null,
          decision.user(),
          decision.target(),
          decision.question(),
          decision.decision(),
          decision.justification(),
          null,
          null);
    }
    for (Incident incident : report.incidents()) {
      row(
          csv,
          "incident",
          null,
          incident.createdAt(),
          incident.endedAt(),
          millis(incident.createdAt(), incident.endedAt()),
          incident.activityId(),
          incident.type(),
          null,
          null,
          null,
          incident.state(),
          incident.message(),
          null,
          null);
    }
    for (JournalEntry e : report.journal()) {
      row(
          csv,
          "journal",
          e.seq(),
          e.at(),
          null,
          e.durationMillis(),
          e.step(),
          e.kind(),
          e.actor(),
          e.target(),
          e.action(),
          e.outcome(),
          e.output(),
          e.hostKeyFingerprint(),
          e.hash(),
          e.idempotencyKey());
    }
    for (Reconciliation r : report.reconciliations()) {
      row(
          csv,
          "reconciliation",
          r.reconciledSeq(),
          r.reconciledAt(),
          null,
          null,
          r.step(),
          r.cause(),
          null,
          r.target(),
          r.action(),
          r.open() ? "open" : r.result(),
          "intent "
              + r.intentSeq()
              + (r.unknownSeq() == null
                  ? ""
                  : ", unknown "
                      + r.unknownSeq()
                      + (r.unknownDetail() == null ? "" : " (" + r.unknownDetail() + ")"))
              + (r.detail() == null ? "" : "; " + r.detail()),
          null,
          null,
          r.idempotencyKey());
    }
    JournalHeadCheck head = report.journalHead();
    if (head != null) {
      if (head.atRunEnd() != null) {
        row(
            csv,
            "journal-head",
            head.atRunEnd().seq(),
            head.publishedAt(),
            null,
            null,
            null,
            "at run end",
            null,
            null,
            null,
            Boolean.TRUE.equals(head.unchanged()) ? "unchanged" : "CHANGED",
            "entry " + head.atRunEnd().seq() + " now: " + head.entryHashNow(),
            null,
            head.atRunEnd().hash());
      }
      row(
          csv,
          "journal-head",
          head.now().seq(),
          report.generatedAt(),
          null,
          null,
          null,
          "now",
          null,
          null,
          null,
          null,
          null,
          null,
          head.now().hash());
    }
    return csv.toString();
  }

  private static Long millis(Instant start, Instant end) {
    return start == null || end == null ? null : Duration.between(start, end).toMillis();
  }

  /** A row; the columns after the values given are empty. */
  private static void row(StringBuilder csv, Object... values) {
    List<String> cells = new ArrayList<>(COLUMNS.size());
    for (Object value : values) {
      cells.add(value == null ? "" : value.toString());
    }
    while (cells.size() < COLUMNS.size()) {
      cells.add("");
    }
    row(csv, cells);
  }

  private static void row(StringBuilder csv, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        csv.append(',');
      }
      csv.append(quote(cells.get(i)));
    }
    csv.append("\r\n");
  }

  /**
   * RFC 4180 quoting; a cell that starts with a formula character ({@code = + - @}, TAB or CR, as
   * OWASP lists them) gets a leading {@code '} so spreadsheets show it as text.
   */
  static String quote(String cell) {
    String text = cell;
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 && !text.matches("-?\\d+")) {
      text = "'" + text;
    }
    if (text.contains(",")
        || text.contains("\"")
        || text.contains("\n")
        || text.contains("\r")
        || !text.equals(cell)) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
