package org.switchman.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a run's journal must show after any crash and resume, read through the REST API as an
 * auditor ({@code carol}) reads it:
 *
 * <ol type="a">
 *   <li>every {@code INTENT} has a later outcome of the same run, step, target and action: {@code
 *       PERFORMED}, {@code FAILED}, {@code WOULD}, {@code REFUSED}, {@code UNKNOWN}, or a {@code
 *       RECONCILED} entry for that target that names the action or the intent's seq;
 *   <li>no two {@code INTENT} → outcome intervals of the same step and target overlap (the same
 *       change was never under way twice at once);
 *   <li>at most one {@code PERFORMED} per step, target and action;
 *   <li>the hash chain verifies, the whole journal and the run's entries.
 * </ol>
 */
public final class JournalAssertions {

  /** The outcomes that close an {@code INTENT}. */
  public static final Set<String> OUTCOMES =
      Set.of("PERFORMED", "FAILED", "WOULD", "REFUSED", "RECONCILED", "UNKNOWN");

  /** One journal entry, as the run report returns it. */
  public record Entry(
      long seq,
      String runId,
      String step,
      String kind,
      String target,
      String action,
      String outcome,
      String output,
      long durationMillis) {
    static Entry of(JsonNode e) {
      return new Entry(
          e.path("seq").asLong(),
          e.path("runId").asText(),
          e.path("step").asText(),
          e.path("kind").asText(),
          e.path("target").asText(),
          e.path("action").asText(),
          e.path("outcome").asText(),
          e.path("output").asText(""),
          e.path("durationMillis").asLong());
    }

    String key() {
      return runId + " | " + step + " | " + target + " | " + action;
    }

    @Override
    public String toString() {
      return "#" + seq + " " + outcome + " " + step + " " + target + " '" + action + "'";
    }
  }

  private final int port;

  public JournalAssertions(int port) {
    this.port = port;
  }

  /** The run's journal entries in chain order. */
  public List<Entry> journal(String run) {
    JsonNode report = Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json();
    List<Entry> entries = new ArrayList<>();
    report.path("journal").forEach(e -> entries.add(Entry.of(e)));
    entries.sort(Comparator.comparingLong(Entry::seq));
    return entries;
  }

  /** (a) to (d) for the run; {@code repeatable} names actions that may be performed twice. */
  public void hold(String run, Predicate<Entry> repeatable) {
    List<Entry> entries = journal(run);
    assertThat(entries).as("journal of run " + run).isNotEmpty();
    everyIntentHasAnOutcome(entries);
    noOverlappingIntervals(entries);
    atMostOnePerformed(entries, repeatable);
    chainVerifies(run);
  }

  /** (a) */
  public static void everyIntentHasAnOutcome(List<Entry> entries) {
    Map<Long, Entry> closed = pairs(entries);
    List<String> orphans = new ArrayList<>();
    for (Entry intent : entries) {
      if (intent.outcome().equals("INTENT") && !closed.containsKey(intent.seq())) {
        orphans.add(intent.toString());
      }
    }
    assertThat(orphans).as("INTENT entries without a later outcome").isEmpty();
  }

  /**
   * Each INTENT's closing entry, by the intent's seq. Entries are read in chain order; an outcome
   * closes the oldest open INTENT of the same run, step, target and action, and a {@code
   * RECONCILED} entry of the run and target closes the INTENT whose seq it names, or else the
   * oldest open one with its action. Each outcome closes one INTENT at most.
   */
  static Map<Long, Entry> pairs(List<Entry> entries) {
    Map<String, List<Entry>> open = new LinkedHashMap<>();
    Map<Long, Entry> closed = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (e.outcome().equals("INTENT")) {
        open.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
        continue;
      }
      if (!OUTCOMES.contains(e.outcome())) {
        continue;
      }
      Entry intent = null;
      if (e.outcome().equals("RECONCILED")) {
        String text = e.action() + " " + e.output();
        for (List<Entry> intents : open.values()) {
          for (Entry candidate : intents) {
            if (candidate.runId().equals(e.runId())
                && candidate.target().equals(e.target())
                && Pattern.compile("(?<![0-9])" + candidate.seq() + "(?![0-9])")
                    .matcher(text)
                    .find()) {
              intent = candidate;
            }
          }
        }
        if (intent == null) {
          for (List<Entry> intents : open.values()) {
            for (Entry candidate : intents) {
              if (intent == null
                  && candidate.runId().equals(e.runId())
                  && candidate.target().equals(e.target())
                  && candidate.action().equals(e.action())) {
                intent = candidate;
              }
            }
          }
        }
      } else {
        List<Entry> intents = open.getOrDefault(e.key(), List.of());
        intent = intents.isEmpty() ? null : intents.get(0);
      }
      if (intent != null) {
        open.get(intent.key()).remove(intent);
        closed.put(intent.seq(), e);
      }
    }
    return closed;
  }

  /** (b): intervals closed by a reconciliation are not executions and are left out. */
  public static void noOverlappingIntervals(List<Entry> entries) {
    Map<Long, Entry> closed = pairs(entries);
    Map<String, List<long[]>> intervals = new LinkedHashMap<>();
    for (Entry intent : entries) {
      Entry end = closed.get(intent.seq());
      if (!intent.outcome().equals("INTENT") || end == null || end.outcome().equals("RECONCILED")) {
        continue;
      }
      intervals
          .computeIfAbsent(
              intent.runId() + " | " + intent.step() + " | " + intent.target(),
              k -> new ArrayList<>())
          .add(new long[] {intent.seq(), end.seq()});
    }
    List<String> overlaps = new ArrayList<>();
    intervals.forEach(
        (key, list) -> {
          list.sort(Comparator.comparingLong(i -> i[0]));
          for (int i = 1; i < list.size(); i++) {
            if (list.get(i)[0] < list.get(i - 1)[1]) {
              overlaps.add(
                  key
                      + ": #"
                      + list.get(i - 1)[0]
                      + "-#"
                      + list.get(i - 1)[1]
                      + " and #"
                      + list.get(i)[0]
                      + "-#"
                      + list.get(i)[1]);
            }
          }
        });
    assertThat(overlaps)
        .as("INTENT→outcome intervals of one step and target that overlap")
        .isEmpty();
  }

  /** (c) */
  public static void atMostOnePerformed(List<Entry> entries, Predicate<Entry> repeatable) {
    Map<String, List<Long>> performed = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (e.outcome().equals("PERFORMED") && !repeatable.test(e)) {
        performed.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.seq());
      }
    }
    performed.values().removeIf(seqs -> seqs.size() < 2);
    assertThat(performed)
        .as("changes PERFORMED more than once (key: run | step | target | action" + " → seqs)")
        .isEmpty();
  }

  /** (d): the whole chain from its first entry, and the run's own entries. */
  public void chainVerifies(String run) {
    Rest carol = Rest.as(port, "carol", "demo");
    JsonNode all = carol.get("/switchman/api/journal/verify?full=true").json();
    assertThat(all.path("intact").asBoolean()).as(all.toString()).isTrue();
    JsonNode own = carol.get("/switchman/api/journal/verify?run=" + run).json();
    assertThat(own.path("intact").asBoolean()).as(own.toString()).isTrue();
    assertThat(own.path("checked").asLong()).as(own.toString()).isPositive();
  }
}
