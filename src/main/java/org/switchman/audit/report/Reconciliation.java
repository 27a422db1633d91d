package org.switchman.audit.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.switchman.audit.JournalEntry;

/**
 * A change whose outcome was not journaled as it happened, and how a later read settled it: an
 * {@code INTENT} left without an outcome (the application died while acting), an {@code UNKNOWN}
 * outcome (a timeout after the request left), or a change an earlier attempt performed that a later
 * attempt of the step found still in effect and did not repeat.
 *
 * @param idempotencyKey the attempt's key, shared by all its entries
 * @param step the step that made the change
 * @param target what it changed
 * @param action the exact change
 * @param cause {@value #NO_OUTCOME}, {@value #UNKNOWN} or {@value #REPEATED}
 * @param intentSeq the attempt's {@code INTENT}
 * @param unknownSeq its {@code UNKNOWN} entry, or {@code null}
 * @param unknownDetail the error of the {@code UNKNOWN} entry, or {@code null}
 * @param reconciledSeq the {@code RECONCILED} entry, or {@code null} while nothing has settled it
 * @param reconciledAt when it was settled, or {@code null}
 * @param result {@code applied} or {@code not-applied}, or {@code null} while open
 * @param detail what the read found, as the {@code RECONCILED} entry says it
 */
public record Reconciliation(
    String idempotencyKey,
    String step,
    String target,
    String action,
    String cause,
    long intentSeq,
    Long unknownSeq,
    String unknownDetail,
    Long reconciledSeq,
    Instant reconciledAt,
    String result,
    String detail) {

  /** The application died between the {@code INTENT} and its outcome. */
  public static final String NO_OUTCOME = "no-outcome";

  /** The act timed out after its request left ({@code UNKNOWN}). */
  public static final String UNKNOWN = "unknown";

  /** Performed by an earlier attempt, found in effect by a later one and not repeated. */
  public static final String REPEATED = "step-repeated";

  /** Whether nothing has settled it yet (on a running step, the change may still be in flight). */
  public boolean open() {
    return reconciledSeq == null;
  }

  /**
   * The reconciliations of a run, in the order of their changes, read from its journal: every keyed
   * attempt with an {@code UNKNOWN} or {@code RECONCILED} entry, or with an {@code INTENT} and
   * nothing after it.
   */
  static List<Reconciliation> of(List<JournalEntry> entries) {
    Map<String, List<JournalEntry>> attempts = new LinkedHashMap<>();
    for (JournalEntry e : entries) {
      if (e.idempotencyKey() != null) {
        attempts.computeIfAbsent(e.idempotencyKey(), k -> new ArrayList<>()).add(e);
      }
    }
    List<Reconciliation> found = new ArrayList<>();
    for (List<JournalEntry> attempt : attempts.values()) {
      JournalEntry intent = first(attempt, "INTENT");
      if (intent == null) {
        continue;
      }
      JournalEntry unknown = first(attempt, "UNKNOWN");
      JournalEntry reconciled = first(attempt, "RECONCILED");
      boolean settled =
          attempt.stream()
              .anyMatch(e -> List.of("PERFORMED", "FAILED", "VERIFY_FAILED").contains(e.outcome()));
      if (unknown == null && reconciled == null && settled) {
        continue;
      }
      String cause = unknown != null ? UNKNOWN : settled ? REPEATED : NO_OUTCOME;
      String output = reconciled == null || reconciled.output() == null ? "" : reconciled.output();
      int firstLine = output.indexOf('\n');
      found.add(
          new Reconciliation(
              intent.idempotencyKey(),
              intent.step(),
              intent.target(),
              intent.action(),
              cause,
              intent.seq(),
              unknown == null ? null : unknown.seq(),
              unknown == null ? null : unknown.output(),
              reconciled == null ? null : reconciled.seq(),
              reconciled == null ? null : reconciled.at(),
              reconciled == null ? null : firstLine < 0 ? output : output.substring(0, firstLine),
              reconciled == null || firstLine < 0 ? null : output.substring(firstLine + 1)));
    }
    return found;
  }

  private static JournalEntry first(List<JournalEntry> attempt, String outcome) {
    return attempt.stream().filter(e -> outcome.equals(e.outcome())).findFirst().orElse(null);
  }
}
