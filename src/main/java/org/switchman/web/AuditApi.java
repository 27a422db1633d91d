package org.switchman.web;

import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalHead;
import org.switchman.audit.JournalVerification;
import org.switchman.audit.OpsLogReader;
import org.switchman.audit.report.LiveView;
import org.switchman.audit.report.LockTable;
import org.switchman.audit.report.RunHistory;
import org.switchman.audit.report.RunPage;
import org.switchman.audit.report.RunReport;
import org.switchman.audit.report.RunReports;

/**
 * The same data as the pages, as JSON under {@code /switchman/api}, for scripts (HTTP Basic) and
 * for the live page's polling. Times are ISO-8601 UTC, durations ISO-8601 ({@code PT3M}).
 */
@RestController
@RequestMapping("/switchman/api")
public class AuditApi {

  private final RunHistory history;
  private final RunReports reports;
  private final Journal journal;
  private final LockTable locks;
  private final OpsLogReader opsLog;
  private final LiveViews live;

  public AuditApi(
      RunHistory history,
      RunReports reports,
      Journal journal,
      LockTable locks,
      OpsLogReader opsLog,
      LiveViews live) {
    this.history = history;
    this.reports = reports;
    this.journal = journal;
    this.locks = locks;
    this.opsLog = opsLog;
    this.live = live;
  }

  /** Runs newest first; the filters as on the runs page, plus {@code offset} and {@code limit}. */
  @GetMapping("/runs")
  public RunPage runs(
      @RequestParam(required = false) String runbook,
      @RequestParam(required = false) String user,
      @RequestParam(required = false) String outcome,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(defaultValue = "0") int offset,
      @RequestParam(defaultValue = "" + AuditPages.PAGE_SIZE) int limit) {
    return history.runs(AuditPages.filter(runbook, user, outcome, from, to), offset, limit);
  }

  /** The run report, the same document as the JSON export. */
  @GetMapping("/runs/{runId}")
  public RunReport report(@PathVariable String runId) {
    return reports.report(runId).orElseThrow(() -> AuditPages.noSuchRun(runId));
  }

  @GetMapping("/runs/{runId}/live")
  public LiveView live(@PathVariable String runId) {
    return live.of(runId);
  }

  /**
   * Verifies the whole journal's hash chain, or one run's entries with {@code ?run=}. The whole
   * chain is checked from where the last intact check ended, unless {@code ?full=true}.
   */
  @GetMapping("/journal/verify")
  public JournalVerification verify(
      @RequestParam(required = false) String run,
      @RequestParam(defaultValue = "false") boolean full) {
    return run == null || run.isBlank() ? journal.verify(full) : journal.verifyRun(run);
  }

  /** The journal's head now: the last entry's seq and hash. */
  @GetMapping("/journal/head")
  public JournalHead head() {
    return journal.head();
  }

  @GetMapping("/locks")
  public List<LockTable.Row> locks() {
    return locks.rows();
  }

  /** Force-releases a lock (camunda-admin only): {@code {"runbook","target","runId","reason"}}. */
  @PostMapping("/locks/release")
  public ResponseEntity<Void> release(
      @RequestBody Map<String, String> request, Authentication user) {
    locks.forceRelease(
        request.get("runbook"),
        request.get("target"),
        request.get("runId"),
        user.getName(),
        request.get("reason"));
    return ResponseEntity.noContent().build();
  }

  /** Ops log lines newest first, optionally of one run. */
  @GetMapping("/ops-log")
  public OpsLogReader.OpsLogPage opsLog(
      @RequestParam(required = false) String run,
      @RequestParam(defaultValue = "0") int offset,
      @RequestParam(defaultValue = "" + AuditPages.PAGE_SIZE) int limit) {
    return opsLog.page(run == null || run.isBlank() ? null : run, offset, limit);
  }
}
