package org.switchman.audit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.switchman.audit.InMemoryJournal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalHead;
import org.switchman.audit.JournalKind;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLogReader;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.port.RunbookLock;

/** Reports from a run's history and journal; the CSV export; the lock table's forced release. */
class RunReportsTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final InMemoryJournal journal = new InMemoryJournal();
  private final Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
  private final List<OpsEvent> opsLines = new ArrayList<>();
  private final OpsLogReader opsLog =
      (runId, offset, limit) -> {
        List<OpsEvent> ofRun =
            new ArrayList<>(opsLines.stream().filter(e -> e.runId().equals(runId)).toList());
        java.util.Collections.reverse(ofRun);
        return new OpsLogReader.OpsLogPage(ofRun, ofRun.size());
      };

  private static RunSummary summary(String runId, Instant end) {
    return new RunSummary(
        runId,
        "dc-switchover",
        "Datacenter switchover",
        2,
        "eqiad → codfw",
        "live",
        "alice",
        "Q4 test, with \"quotes\", commas",
        "T1",
        T0,
        end,
        "completed",
        "switched-over",
        new ReadOnlyWindow(T0.plusSeconds(60), T0.plusSeconds(62), Duration.ofMinutes(3), false));
  }

  private RunHistory history(RunRecord record) {
    return new RunHistory() {
      @Override
      public RunPage runs(RunFilter filter, int offset, int limit) {
        return new RunPage(List.of(record.summary()), offset, limit, 1);
      }

      @Override
      public Optional<RunRecord> run(String runId) {
        return record.summary().runId().equals(runId) ? Optional.of(record) : Optional.empty();
      }

      @Override
      public Optional<String> diagramXml(String runId) {
        return Optional.empty();
      }

      @Override
      public List<String> runbooks() {
        return List.of("dc-switchover");
      }
    };
  }

  private void entry(
      String run,
      String step,
      String actor,
      String kind,
      String target,
      String action,
      String outcome,
      String output) {
    journal.append(
        new JournalEntry.Draft(
            run, step, actor, "live", kind, target, action, outcome, output, null, null));
  }

  private RunRecord record(String run) {
    return new RunRecord(
        summary(run, T0.plusSeconds(120)),
        "dc-switchover:2:x",
        List.of(run, "child"),
        List.of(
            new TimelineEntry(
                "Phase_SetReadOnly",
                "Phase 2",
                "subProcess",
                0,
                T0.plusSeconds(59),
                T0.plusSeconds(60),
                false,
                null)),
        List.of("StartEvent", "Phase_SetReadOnly"),
        List.of(),
        List.of(),
        List.of());
  }

  @Test
  void approvalsDecisionsAndTheLockAreReadFromTheJournalOfTheRunAndItsCalledProcesses() {
    entry(
        "r1",
        "StartEvent",
        "alice",
        "LOCK",
        "dc-switchover/mediawiki",
        "take lock",
        "ACQUIRED",
        null);
    entry(
        "r1",
        "UserTask_GoNoGo",
        "alice",
        "REFUSAL",
        "task 1",
        "complete 'GO/NOGO'",
        "REFUSED",
        "alice started this run");
    entry(
        "other", "UserTask_GoNoGo", "zed", "APPROVAL", "task 9", "complete 'GO/NOGO'", "GO", null);
    entry("r1", "UserTask_GoNoGo", "bob", "APPROVAL", "task 1", "complete 'GO/NOGO'", "GO", "fine");
    entry(
        "child",
        "UserTask_DecideOnSectionFailure",
        "alice",
        "DECISION",
        "section s3",
        "decide on 'Decide' after: s3 lags",
        "SKIP",
        "lag is cosmetic");
    entry(
        "r1",
        "UserTask_FinalGoNoGo",
        "system",
        "EXPIRY",
        "approval",
        "Approval expired",
        "NOGO",
        "no decision");
    entry(
        "r1",
        "EndEvent",
        "alice",
        "LOCK",
        "dc-switchover/mediawiki",
        "release lock",
        "RELEASED",
        null);

    RunReport report =
        new RunReports(history(record("r1")), journal, null, opsLog, clock)
            .report("r1")
            .orElseThrow();

    assertThat(report.approvals())
        .extracting(a -> a.user() + " " + a.decision())
        .containsExactly("alice REFUSED", "bob GO", "system EXPIRED");
    assertThat(report.approvals().get(0).refused()).isTrue();
    assertThat(report.decisions())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.decision()).isEqualTo("SKIP");
              assertThat(d.justification()).isEqualTo("lag is cosmetic");
              assertThat(d.target()).isEqualTo("section s3");
            });
    assertThat(report.lock().lock()).isEqualTo("dc-switchover/mediawiki");
    assertThat(report.lock().releasedBy()).isEqualTo("run end");
    assertThat(report.lock().acquiredAt()).isBefore(report.lock().releasedAt());
    assertThat(report.journal()).extracting(JournalEntry::runId).doesNotContain("other");
    assertThat(report.journal()).extracting(JournalEntry::seq).isSorted();
    assertThat(report.journalCheck().intact()).isTrue();
    assertThat(report.generatedAt()).isEqualTo(clock.instant());
    assertThat(new RunReports(history(record("r1")), journal, null, opsLog, clock).report("nope"))
        .isEmpty();
  }

  private void attempt(String key, String target, String action, String outcome, String output) {
    journal.append(
        new JournalEntry.Draft(
            "r1",
            "ServiceTask_Step",
            "alice",
            "live",
            "ETCD_WRITE",
            target,
            action,
            outcome,
            output,
            null,
            null,
            key));
  }

  @Test
  void reconciliationsListEveryChangeWhoseOutcomeALaterReadSettled() {
    attempt("r1/a:1/ReadOnly/x/1", "ReadOnly", "set ReadOnly", "INTENT", null);
    attempt(
        "r1/a:1/ReadOnly/x/1",
        "ReadOnly",
        "set ReadOnly",
        "UNKNOWN",
        "UnansweredChangeException: etcd did not answer within PT3S");
    attempt("r1/a:2/mw1/y/1", "mw1", "systemctl restart envoyproxy", "INTENT", null);
    attempt(
        "r1/a:1/ReadOnly/x/1",
        "ReadOnly",
        "set ReadOnly",
        "RECONCILED",
        "applied\nsettles entry 1 (INTENT) and entry 2 (UNKNOWN)\nobserved: ReadOnly holds it");
    attempt("r1/a:2/mw2/y/1", "mw2", "systemctl restart envoyproxy", "INTENT", null);
    attempt("r1/a:2/mw2/y/1", "mw2", "systemctl restart envoyproxy", "PERFORMED", "ok");
    attempt(
        "r1/a:2/mw1/y/1",
        "mw1",
        "systemctl restart envoyproxy",
        "RECONCILED",
        "not-applied\nsettles entry 3 (INTENT, no outcome journaled)\nobserved: active since yesterday");
    attempt("r1/a:3/mw3/y/1", "mw3", "systemctl restart envoyproxy", "INTENT", null);
    attempt("r1/a:3/mw3/y/1", "mw3", "systemctl restart envoyproxy", "PERFORMED", "ok");
    attempt(
        "r1/a:3/mw3/y/1",
        "mw3",
        "systemctl restart envoyproxy",
        "RECONCILED",
        "applied\nconfirms entry 9 (PERFORMED): the change is in effect and is not made again");
    attempt("r1/a:4/mw4/y/1", "mw4", "systemctl restart envoyproxy", "INTENT", null);

    RunReport report =
        new RunReports(history(record("r1")), journal, null, opsLog, clock)
            .report("r1")
            .orElseThrow();

    assertThat(report.reconciliations())
        .extracting(
            r ->
                r.target()
                    + " "
                    + r.cause()
                    + " "
                    + r.intentSeq()
                    + "->"
                    + r.reconciledSeq()
                    + " "
                    + r.result())
        .containsExactly(
            "ReadOnly unknown 1->4 applied",
            "mw1 no-outcome 3->7 not-applied",
            "mw3 step-repeated 8->10 applied",
            "mw4 no-outcome 11->null null");
    assertThat(report.reconciliations().get(0))
        .satisfies(
            r -> {
              assertThat(r.unknownSeq()).isEqualTo(2L);
              assertThat(r.unknownDetail()).contains("did not answer");
              assertThat(r.detail())
                  .isEqualTo(
                      "settles entry 1 (INTENT) and entry 2 (UNKNOWN)\nobserved: ReadOnly holds it");
              assertThat(r.open()).isFalse();
            });
    assertThat(report.reconciliations().get(3).open()).isTrue();
    assertThat(report.printable().reconciliations()).hasSize(4);

    String csv = RunReportCsv.of(report);
    assertThat(csv.lines())
        .filteredOn(line -> line.startsWith("journal,1,"))
        .singleElement()
        .satisfies(line -> assertThat(line).endsWith(",r1/a:1/ReadOnly/x/1"));
    assertThat(csv.lines()).filteredOn(line -> line.startsWith("reconciliation,")).hasSize(4);
    assertThat(csv)
        .contains("\r\nreconciliation,4,")
        .contains(
            ",ServiceTask_Step,unknown,,ReadOnly,"
                + "set ReadOnly,applied,\"intent 1, unknown 2 (UnansweredChangeException: etcd did not answer"
                + " within PT3S); settles entry 1 (INTENT) and entry 2 (UNKNOWN)\nobserved: ReadOnly holds"
                + " it\",,,r1/a:1/ReadOnly/x/1\r\n");
    assertThat(csv.lines())
        .filteredOn(line -> line.startsWith("reconciliation,,"))
        .singleElement()
        .satisfies(line -> assertThat(line).contains(",mw4,").contains(",open,"));
  }

  @Test
  void theCsvHasTheDocumentedColumnsAndQuotesWhatNeedsIt() {
    entry(
        "r1",
        "ServiceTask_SetReadOnly",
        "alice",
        "ETCD",
        "/conftool/ReadOnly",
        "set true",
        "PERFORMED",
        "line 1\nline 2, with comma");
    entry("r1", "ServiceTask_X", "alice", "SSH", "host", "=cmd()", "PERFORMED", null);
    String csv =
        RunReportCsv.of(
            new RunReports(history(record("r1")), journal, null, opsLog, clock)
                .report("r1")
                .orElseThrow());
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0)).isEqualTo(String.join(",", RunReportCsv.COLUMNS));
    assertThat(lines.get(1))
        .startsWith("run,,2026-11-25T10:00:00Z,2026-11-25T10:02:00Z,120000,dc-switchover:2:x,");
    assertThat(lines.get(1))
        .contains("\"mode live; reason Q4 test, with \"\"quotes\"\", commas; ticket T1\"");
    assertThat(lines.get(2))
        .isEqualTo(
            "read-only-window,,2026-11-25T10:01:00Z,2026-11-25T10:01:02Z,2000,,,,,budget PT3M,within budget,,,,");
    assertThat(csv).contains("\"line 1\nline 2, with comma\"");
    assertThat(csv).as("a formula is neutralised").contains(",\"'=cmd()\",");
    assertThat(csv).endsWith("\r\n");
  }

  @Test
  void theReportNamesTheDeploymentAndWhoDeployedItFromTheJournal() {
    entry(
        JournalEntry.SYSTEM,
        "deployment",
        "admin",
        JournalKind.DEPLOYMENT.name(),
        "dep-1",
        "deploy 'switchman-hotfix': dc-switchover.bpmn",
        RunReports.DEPLOYED,
        "abc  dc-switchover.bpmn");
    entry(
        JournalEntry.SYSTEM,
        "deployment",
        "desi",
        JournalKind.DEPLOYMENT.name(),
        "dep-1",
        "deploy 'dep-1': x.bpmn",
        RunReports.REFUSED,
        "refused");
    RunRecord plain = record("r1");
    RunDeployment deployment =
        new RunDeployment("dep-1", "switchman-hotfix", T0.minusSeconds(60), "2.1.0", null);
    RunRecord record =
        new RunRecord(
            plain.summary().withDeployment(deployment),
            plain.definitionId(),
            plain.runIds(),
            plain.timeline(),
            plain.visitedActivityIds(),
            plain.activeActivityIds(),
            plain.openTasks(),
            plain.incidents());

    RunReport report =
        new RunReports(history(record), journal, null, opsLog, clock).report("r1").orElseThrow();

    assertThat(report.summary().deployment())
        .isEqualTo(
            new RunDeployment("dep-1", "switchman-hotfix", T0.minusSeconds(60), "2.1.0", "admin"));
    assertThat(report.journal()).as("system entries are not the run's").isEmpty();
    List<String> lines = RunReportCsv.of(report).lines().toList();
    assertThat(lines.get(1)).startsWith("run,");
    assertThat(lines.get(2))
        .isEqualTo(
            "deployment,,2026-11-25T09:59:00Z,,,,switchman-hotfix,admin,dep-1,version tag 2.1.0,,,,,");
    assertThat(
            new RunReports(history(plain), journal, null, opsLog, clock)
                .report("r1")
                .orElseThrow()
                .summary()
                .deployment())
        .isNull();
  }

  @Test
  void theCsvNeutralisesALeadingTabOrCarriageReturn() {
    assertThat(RunReportCsv.quote("\t=1+2")).isEqualTo("\"'\t=1+2\"");
    assertThat(RunReportCsv.quote("\r=1+2")).isEqualTo("\"'\r=1+2\"");
    assertThat(RunReportCsv.quote("-5")).isEqualTo("-5");
    assertThat(RunReportCsv.quote("plain")).isEqualTo("plain");
    entry(
        "r1", "UserTask_Decide", "alice", "DECISION", "s1", "skip?", "SKIP", "\t=HYPERLINK(\"x\")");
    String csv =
        RunReportCsv.of(
            new RunReports(history(record("r1")), journal, null, opsLog, clock)
                .report("r1")
                .orElseThrow());
    assertThat(csv).contains(",\"'\t=HYPERLINK(\"\"x\"\")\",").doesNotContain(",\"\t=");
  }

  @Test
  void theReportShowsJournalTextsWithoutControlCharactersAndTheJsonKeepsThemExact() {
    entry(
        "r1",
        "UserTask_Decide",
        "alice\u001b[31m",
        "DECISION",
        "s1\u2028forged",
        "skip?",
        "SKIP",
        "line 1\r\nline 2\u001b[2J\u0085");
    RunReport report =
        new RunReports(history(record("r1")), journal, null, opsLog, clock)
            .report("r1")
            .orElseThrow();
    RunReport shown = report.printable();
    JournalEntry e = shown.journal().get(0);
    assertThat(e.actor()).isEqualTo("alice[31m");
    assertThat(e.target()).isEqualTo("s1 forged");
    assertThat(e.output()).isEqualTo("line 1\nline 2[2J\n");
    assertThat(shown.decisions().get(0).justification()).isEqualTo("line 1\nline 2[2J\n");
    assertThat(report.journal().get(0).actor()).isEqualTo("alice\u001b[31m");
    assertThat(RunReportCsv.of(report)).doesNotContain("\u001b", "\u2028", "\u0085");
  }

  @Test
  void theReportComparesTheHeadPublishedAtTheRunsEndWithTheJournalNow() {
    entry("r1", "ServiceTask_A", "alice", "SSH", "host", "cmd", "PERFORMED", null);
    entry("r1", "ServiceTask_B", "alice", "SSH", "host", "cmd", "PERFORMED", null);
    RunReports reports = new RunReports(history(record("r1")), journal, null, opsLog, clock);
    assertThat(reports.report("r1").orElseThrow().journalHead().atRunEnd()).isNull();

    JournalHead atEnd = journal.head();
    opsLines.add(
        new OpsEvent(
            T0, OpsEvent.Kind.RUN_ENDED, "dc-switchover", "r1", "bob", null, null, "ended"));
    opsLines.add(OpsEvent.journalHead(T0.plusSeconds(1), "dc-switchover", "r1", atEnd));
    entry("other", "ServiceTask_C", "zed", "SSH", "host", "cmd", "PERFORMED", null);

    JournalHeadCheck check = reports.report("r1").orElseThrow().journalHead();
    assertThat(check.atRunEnd()).isEqualTo(atEnd);
    assertThat(check.publishedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(check.unchanged()).isTrue();
    assertThat(check.now()).isEqualTo(new JournalHead(3, journal.all().get(2).hash()));
    assertThat(RunReportCsv.of(reports.report("r1").orElseThrow()))
        .contains(
            "journal-head,2,2026-11-25T10:00:01Z,,,,at run end,,,,unchanged,entry 2 now: "
                + atEnd.hash()
                + ",,"
                + atEnd.hash()
                + ",\r\n",
            "journal-head,3,2026-11-25T11:00:00Z,,,,now,,,,,,," + check.now().hash() + ",\r\n");

    opsLines.add(
        OpsEvent.journalHead(
            T0.plusSeconds(2), "dc-switchover", "r1", new JournalHead(2, "f".repeat(64))));
    JournalHeadCheck forged = reports.report("r1").orElseThrow().journalHead();
    assertThat(forged.unchanged()).isFalse();
    assertThat(forged.entryHashNow()).isEqualTo(atEnd.hash());
  }

  @Test
  void filtersRefuseNonsenseAndNameIt() {
    assertThatThrownBy(() -> new RunFilter(null, null, "DROP TABLE", null, null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("outcome must be a word");
    assertThatThrownBy(() -> new RunFilter(null, null, null, T0, T0))
        .hasMessageContaining("the time range is empty");
    assertThat(new RunFilter(" ", "", "rolled-back", null, null).runbook()).isNull();
  }

  @Test
  void theLiveViewCountsTheOpenWindowAgainstItsBudget() {
    RunSummary running =
        new RunSummary(
            "r2",
            "dc-switchover",
            "x",
            1,
            "a → b",
            "live",
            "alice",
            null,
            null,
            T0,
            null,
            "running",
            "running",
            new ReadOnlyWindow(T0, null, Duration.ofMinutes(3), false));
    RunRecord record =
        new RunRecord(
            running,
            "d",
            List.of("r2"),
            List.of(
                new TimelineEntry(
                    "Phase_LockDownDbMasters", "Phase 3", "subProcess", 1, T0, null, false, null),
                new TimelineEntry(
                    "UserTask_Decide", "Decide", "userTask", 2, T0, null, false, null)),
            List.of(),
            List.of(),
            List.of(),
            List.of());
    LiveView live = LiveView.of(record, List.of(), List.of(), T0.plusSeconds(200));
    assertThat(live.currentPhases()).containsExactly("Phase 3");
    assertThat(live.runningSteps()).containsExactly("Decide");
    assertThat(live.readOnlyElapsedMillis()).isEqualTo(200_000);
    assertThat(live.readOnlyRemainingMillis()).isEqualTo(-20_000);
  }

  @Test
  void aForcedReleaseNeedsAReasonAndAHolderAndIsJournaled() {
    List<String> released = new ArrayList<>();
    RunbookLock locks =
        new RunbookLock() {
          @Override
          public boolean acquire(
              String runbook, String target, Holder holder, int max, Duration ttl) {
            return false;
          }

          @Override
          public void release(String runbook, String target, String runId) {
            throw new AssertionError("a forced release goes through forceRelease");
          }

          @Override
          public void forceRelease(String runbook, String target, String runId) {
            released.add(runbook + "/" + target + "/" + runId);
          }

          @Override
          public void forgetRevocation(String runbook, String target, String runId) {}

          @Override
          public List<String> revoked(String runbook, String target) {
            return List.of();
          }

          @Override
          public List<Revocation> revocations() {
            return List.of();
          }

          @Override
          public List<Holder> holders(String runbook, String target) {
            return List.of(new Holder("r1", "alice", T0));
          }

          @Override
          public List<HeldLock> locks() {
            return List.of(
                new HeldLock(
                    "dc-switchover",
                    "mediawiki",
                    new Holder("r1", "alice", T0),
                    Duration.ofSeconds(55)));
          }
        };
    LockTable table = new LockTable(locks, journal, clock);
    assertThat(table.rows())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.age()).isEqualTo(Duration.ofHours(1));
              assertThat(row.ttl()).isEqualTo(Duration.ofSeconds(55));
            });
    assertThatThrownBy(() -> table.forceRelease("dc-switchover", "mediawiki", "r1", "admin", " "))
        .hasMessageContaining("a reason is required");
    assertThatThrownBy(
            () -> table.forceRelease("dc-switchover", "mediawiki", "r9", "admin", "gone"))
        .hasMessageContaining("run r9 holds no lock dc-switchover on mediawiki");
    assertThat(released).isEmpty();
    assertThat(journal.entriesOfRun("r1")).isEmpty();

    table.forceRelease("dc-switchover", "mediawiki", "r1", "admin", "node lost");
    assertThat(released).containsExactly("dc-switchover/mediawiki/r1");
    assertThat(journal.entriesOfRun("r1"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo("admin");
              assertThat(e.outcome()).isEqualTo("FORCE_RELEASED");
              assertThat(e.output()).isEqualTo("node lost");
            });
  }
}
