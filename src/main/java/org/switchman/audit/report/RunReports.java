package org.switchman.audit.report;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalHead;
import org.switchman.audit.JournalKind;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLogReader;
import org.switchman.runbook.port.RunbookLock;

/**
 * Builds run reports: the engine's history of a run joined with its journal entries, from which the
 * approvals, operator decisions and lock use are read. The journal is the record of what people
 * decided, because it also holds what the engine rolled back (a four-eyes refusal).
 */
public class RunReports {

  /** Lock entry outcomes. */
  public static final String ACQUIRED = "ACQUIRED";

  public static final String RELEASED = "RELEASED";
  public static final String FORCE_RELEASED = "FORCE_RELEASED";

  /** The run's lock had lapsed and was taken again for it. */
  public static final String RETAKEN = "RETAKEN";

  /** The run was found without its lock: force-released, or held by another run. */
  public static final String LOST = "LOST";

  /** Deployment entry outcomes. */
  public static final String DEPLOYED = "DEPLOYED";

  public static final String REFUSED = "REFUSED";

  private final RunHistory history;
  private final Journal journal;
  private final Optional<RunbookLock> locks;
  private final Optional<OpsLogReader> opsLog;
  private final Clock clock;

  /**
   * @param locks the live lock table, to show the TTL of a lock still held; may be {@code null}
   * @param opsLog the ops log, where the journal's head at each run's end was published; may be
   *     {@code null}
   */
  public RunReports(
      RunHistory history, Journal journal, RunbookLock locks, OpsLogReader opsLog, Clock clock) {
    this.history = history;
    this.journal = journal;
    this.locks = Optional.ofNullable(locks);
    this.opsLog = Optional.ofNullable(opsLog);
    this.clock = clock;
  }

  /** The report of one run, or empty when there is no such run. */
  public Optional<RunReport> report(String runId) {
    return history.run(runId).map(this::report);
  }

  private RunReport report(RunRecord run) {
    List<JournalEntry> entries = new ArrayList<>();
    for (String id : run.runIds()) {
      entries.addAll(journal.entriesOfRun(id));
    }
    entries.sort(Comparator.comparingLong(JournalEntry::seq));
    List<Approval> approvals = new ArrayList<>();
    List<OperatorDecision> decisions = new ArrayList<>();
    LockUse lock = null;
    for (JournalEntry e : entries) {
      JournalKind kind = JournalKind.of(e.kind()).orElse(null);
      if (kind == null) {
        continue; // a change to the site
      }
      switch (kind) {
        case APPROVAL ->
            approvals.add(
                new Approval(
                    e.step(), e.action(), e.actor(), e.at(), e.outcome(), e.output(), e.seq()));
        case EXPIRY ->
            approvals.add(
                new Approval(
                    e.step(), e.action(), e.actor(), e.at(), "EXPIRED", e.output(), e.seq()));
        case REFUSAL ->
            approvals.add(
                new Approval(
                    e.step(), e.action(), e.actor(), e.at(), "REFUSED", e.output(), e.seq()));
        case DECISION ->
            decisions.add(
                new OperatorDecision(
                    e.step(),
                    e.target(),
                    e.actor(),
                    e.at(),
                    e.outcome(),
                    e.action(),
                    e.output(),
                    e.seq()));
        case LOCK -> lock = lockUse(lock, e);
        default -> {}
      }
    }
    if (lock != null && lock.releasedAt() == null) {
      lock = withTtl(lock, run.summary().runId());
    }
    RunSummary summary = run.summary();
    if (summary.deployment() != null) {
      summary =
          summary.withDeployment(
              summary.deployment().withDeployedBy(deployer(summary.deployment().id())));
    }
    return new RunReport(
        RunReport.FORMAT,
        clock.instant(),
        summary,
        run.definitionId(),
        run.runIds(),
        run.timeline(),
        approvals,
        decisions,
        lock,
        entries,
        journal.verifyRun(run.summary().runId()),
        run.incidents(),
        run.openTasks(),
        run.visitedActivityIds(),
        run.activeActivityIds(),
        headCheck(run.summary().runId()),
        Reconciliation.of(entries));
  }

  /**
   * The head published at the run's end (its newest {@code journal head} ops log line) against now.
   */
  private JournalHeadCheck headCheck(String runId) {
    Optional<OpsEvent> published =
        opsLog.flatMap(
            log ->
                log.page(runId, 0, 500).events().stream()
                    .filter(event -> event.kind() == OpsEvent.Kind.JOURNAL_HEAD)
                    .filter(event -> JournalHead.parse(event.detail()).isPresent())
                    .findFirst());
    JournalHead atRunEnd =
        published.flatMap(event -> JournalHead.parse(event.detail())).orElse(null);
    String hashNow =
        atRunEnd == null || atRunEnd.seq() == 0
            ? null
            : journal.entry(atRunEnd.seq()).map(JournalEntry::hash).orElse(null);
    return JournalHeadCheck.of(
        atRunEnd, published.map(OpsEvent::at).orElse(null), hashNow, journal.head());
  }

  /** Who deployed it, from the deployment's journal entry; {@code null} when there is none. */
  private String deployer(String deploymentId) {
    return journal.entriesOfRun(JournalEntry.SYSTEM).stream()
        .filter(
            e ->
                e.is(JournalKind.DEPLOYMENT)
                    && DEPLOYED.equals(e.outcome())
                    && deploymentId.equals(e.target()))
        .map(JournalEntry::actor)
        .findFirst()
        .orElse(null);
  }

  private static LockUse lockUse(LockUse before, JournalEntry e) {
    if (LOST.equals(e.outcome()) && before != null && before.releasedAt() != null) {
      return before; // noticed after a forced release, which the report names already
    }
    return switch (e.outcome()) {
      case ACQUIRED -> new LockUse(e.target(), e.actor(), e.at(), null, null, null);
      case RETAKEN ->
          new LockUse(
              e.target(),
              e.actor(),
              before == null || before.acquiredAt() == null ? e.at() : before.acquiredAt(),
              null,
              null,
              null);
      case RELEASED, FORCE_RELEASED, LOST ->
          new LockUse(
              e.target(),
              before == null ? null : before.holder(),
              before == null ? null : before.acquiredAt(),
              e.at(),
              switch (e.outcome()) {
                case FORCE_RELEASED -> e.actor() + " (forced: " + e.output() + ")";
                case LOST -> "lost: " + e.output();
                default -> "run end";
              },
              null);
      default -> before;
    };
  }

  private LockUse withTtl(LockUse lock, String runId) {
    return locks
        .flatMap(
            table ->
                table.locks().stream()
                    .filter(held -> held.holder().runId().equals(runId))
                    .findFirst())
        .map(
            held ->
                new LockUse(lock.lock(), lock.holder(), lock.acquiredAt(), null, null, held.ttl()))
        .orElse(lock);
  }
}
