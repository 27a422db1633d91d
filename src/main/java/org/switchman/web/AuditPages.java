package org.switchman.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.switchman.audit.Journal;
import org.switchman.audit.OpsLogReader;
import org.switchman.audit.report.LockTable;
import org.switchman.audit.report.RunFilter;
import org.switchman.audit.report.RunHistory;
import org.switchman.audit.report.RunReport;
import org.switchman.audit.report.RunReportCsv;
import org.switchman.audit.report.RunReports;
import org.switchman.runbook.InvalidRequestException;

/**
 * The audit and operations pages, server-rendered: runs list, run report (with its JSON and CSV
 * exports and diagram), live run view, journal verification, lock table and ops log. Who may see or
 * do what is decided by the security filter chain ({@code WebSecurityConfiguration}).
 */
@Controller
@RequestMapping("/switchman")
public class AuditPages {

  static final int PAGE_SIZE = 50;
  static final String ADMIN_AUTHORITY = "GROUP_camunda-admin";

  private final RunHistory history;
  private final RunReports reports;
  private final Journal journal;
  private final LockTable locks;
  private final OpsLogReader opsLog;
  private final LiveViews live;
  private final ObjectMapper json;

  public AuditPages(
      RunHistory history,
      RunReports reports,
      Journal journal,
      LockTable locks,
      OpsLogReader opsLog,
      LiveViews live,
      ObjectMapper json) {
    this.history = history;
    this.reports = reports;
    this.journal = journal;
    this.locks = locks;
    this.opsLog = opsLog;
    this.live = live;
    this.json = json;
  }

  /** Who is logged in, for the navigation bar; {@code null} on the login page. */
  @ModelAttribute("currentUser")
  public String currentUser(java.security.Principal user) {
    return user == null ? null : user.getName();
  }

  @GetMapping({"", "/"})
  public String home() {
    return "redirect:/switchman/runs";
  }

  @GetMapping("/login")
  public String login() {
    return "login";
  }

  @GetMapping("/runs")
  public String runs(
      @RequestParam(required = false) String runbook,
      @RequestParam(required = false) String user,
      @RequestParam(required = false) String outcome,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(defaultValue = "0") int offset,
      Model model) {
    RunFilter filter = filter(runbook, user, outcome, from, to);
    model.addAttribute("filter", filter);
    model.addAttribute("from", from);
    model.addAttribute("to", to);
    model.addAttribute("runbooks", history.runbooks());
    model.addAttribute("page", history.runs(filter, Math.max(0, offset), PAGE_SIZE));
    return "runs";
  }

  @GetMapping("/runs/{runId}")
  public String report(@PathVariable String runId, Model model) {
    model.addAttribute("report", report(runId).printable());
    return "report";
  }

  @GetMapping("/runs/{runId}/live")
  public String live(@PathVariable String runId, Model model) {
    model.addAttribute("live", live.of(runId));
    return "live";
  }

  @GetMapping(value = "/runs/{runId}/report.json")
  public ResponseEntity<byte[]> reportJson(@PathVariable String runId) throws Exception {
    byte[] body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(report(runId));
    return download(body, "run-" + runId + ".json", MediaType.APPLICATION_JSON);
  }

  @GetMapping(value = "/runs/{runId}/report.csv")
  public ResponseEntity<byte[]> reportCsv(@PathVariable String runId) {
    byte[] body = RunReportCsv.of(report(runId)).getBytes(StandardCharsets.UTF_8);
    return download(
        body, "run-" + runId + ".csv", new MediaType("text", "csv", StandardCharsets.UTF_8));
  }

  /**
   * The diagram's XML, which a designer wrote: a download, never a document the browser renders
   * (the report page's viewer fetches it).
   */
  @GetMapping(value = "/runs/{runId}/diagram.bpmn")
  public ResponseEntity<byte[]> diagram(@PathVariable String runId) {
    byte[] body =
        history
            .diagramXml(runId)
            .orElseThrow(() -> noSuchRun(runId))
            .getBytes(StandardCharsets.UTF_8);
    return ResponseEntity.ok()
        .header("X-Content-Type-Options", "nosniff")
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename("run-" + runId + ".bpmn").build().toString())
        .contentType(new MediaType("application", "xml", StandardCharsets.UTF_8))
        .body(body);
  }

  @GetMapping("/journal/verify")
  public String verify(
      @RequestParam(required = false) String run,
      @RequestParam(defaultValue = "false") boolean full,
      Model model) {
    boolean oneRun = run != null && !run.isBlank();
    model.addAttribute("run", oneRun ? run : null);
    model.addAttribute("result", oneRun ? journal.verifyRun(run) : journal.verify(full));
    model.addAttribute("head", journal.head());
    return "verify";
  }

  @GetMapping("/locks")
  public String locks(Model model, Authentication user) {
    model.addAttribute("available", locks.available());
    model.addAttribute("locks", locks.rows());
    model.addAttribute(
        "admin",
        user.getAuthorities().stream()
            .anyMatch(authority -> ADMIN_AUTHORITY.equals(authority.getAuthority())));
    return "locks";
  }

  @PostMapping("/locks/release")
  public String release(
      @RequestParam String runbook,
      @RequestParam String target,
      @RequestParam String runId,
      @RequestParam(required = false) String reason,
      Authentication user,
      RedirectAttributes flash) {
    try {
      locks.forceRelease(runbook, target, runId, user.getName(), reason);
      flash.addFlashAttribute(
          "message",
          "Released "
              + runbook
              + " on "
              + target
              + " held by run "
              + runId
              + "; the release is journaled.");
    } catch (InvalidRequestException refused) {
      flash.addFlashAttribute("error", refused.getMessage());
    }
    return "redirect:/switchman/locks";
  }

  @GetMapping("/ops-log")
  public String opsLog(
      @RequestParam(required = false) String run,
      @RequestParam(defaultValue = "0") int offset,
      Model model) {
    String runId = run == null || run.isBlank() ? null : run.strip();
    model.addAttribute("run", runId);
    model.addAttribute("offset", Math.max(0, offset));
    model.addAttribute("pageSize", PAGE_SIZE);
    model.addAttribute("page", opsLog.page(runId, Math.max(0, offset), PAGE_SIZE));
    return "ops-log";
  }

  // ------------------------------------------------------------------------------- shared

  RunReport report(String runId) {
    return reports.report(runId).orElseThrow(() -> noSuchRun(runId));
  }

  static ResponseStatusException noSuchRun(String runId) {
    return new ResponseStatusException(HttpStatus.NOT_FOUND, "There is no run " + runId);
  }

  /**
   * A filter from the page's fields; dates are days (UTC) or ISO instants, "to" is inclusive of a
   * day.
   */
  static RunFilter filter(String runbook, String user, String outcome, String from, String to) {
    return new RunFilter(
        runbook, user, outcome, instant(from, "from", false), instant(to, "to", true));
  }

  private static Instant instant(String text, String field, boolean endOfDay) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      if (text.strip().length() == 10) {
        LocalDate day = LocalDate.parse(text.strip());
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw InvalidRequestException.of(
          "Bad runs filter",
          List.of(
              field
                  + " must be a day (2026-11-25) or an instant (2026-11-25T10:00:00Z), not '"
                  + text
                  + "'"));
    }
  }

  private static ResponseEntity<byte[]> download(byte[] body, String name, MediaType type) {
    return ResponseEntity.ok()
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(name).build().toString())
        .contentType(type)
        .body(body);
  }
}
