package org.switchman.infra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.crash.CrashPoint;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.Mutation;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.OutcomeUnknown;
import org.switchman.runbook.port.Reconciler;

/**
 * The one choke point every change of the outside world goes through. For each mutation it
 *
 * <ol>
 *   <li>decides by the run's mode: {@code live} acts; {@code dry-run} records "would: …" and does
 *       not act; {@code live-test} acts only outside the active datacenter and records a refusal
 *       for a mutation aimed at it;
 *   <li>settles what earlier attempts of the same change in this run and step left open, and does
 *       not repeat a change an earlier attempt made that is still in effect (see below);
 *   <li>journals an entry before acting ({@code INTENT}) and one after ({@code PERFORMED} with
 *       output, duration and SSH host key; {@code FAILED} with the error; or {@code UNKNOWN} when
 *       the act timed out after its request left, see {@link OutcomeUnknown});
 *   <li>verifies the post-condition where one is given (read back after write), journaling {@code
 *       VERIFY_FAILED} and throwing {@link CheckFailedException} when it does not hold.
 * </ol>
 *
 * Journal entries are written in their own transactions, so a failure leaves its trail.
 *
 * <p><b>Idempotency keys.</b> Every entry of a mutation carries the key of its attempt: the run,
 * the step instance ({@link RunContext#stepInstance()}, new for every attempt of a step), the
 * target, a digest of the action and the attempt number (1 for the run's first try of this change
 * in this step, 2 for the next, …). An {@code INTENT} whose key has no {@code PERFORMED}, {@code
 * FAILED}, {@code VERIFY_FAILED} or {@code RECONCILED} is <em>open</em>: the application died while
 * acting, or the act ended {@code UNKNOWN}.
 *
 * <p><b>Reconciliation.</b> Before a step acts again, the open attempts of its changes are read
 * back: each adapter registers a {@link Probe} for the kind of mutation it makes, which reads
 * whether a change is in effect. The choke point journals {@code RECONCILED} under the open
 * attempt's key, with the output {@code applied} or {@code not-applied} on its first line, the
 * entries it settles and what was observed. A change found applied is not made again. A change that
 * has no read-first in its step (a restart, a puppet run) is also not repeated when an earlier
 * attempt of this run performed it and the probe finds its mark since the run's first attempt (a
 * unit active since then, a puppet run since then): {@code RECONCILED applied} names that attempt.
 * Steps that read first and then find nothing to change settle their open attempts through {@link
 * #reconcile(RunContext)} before they read.
 */
@Component
public class Mutations implements Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(Mutations.class);

  /** Entry outcomes of a mutation. */
  public static final String INTENT = "INTENT";

  public static final String PERFORMED = "PERFORMED";
  public static final String FAILED = "FAILED";
  public static final String VERIFY_FAILED = "VERIFY_FAILED";
  public static final String UNKNOWN = "UNKNOWN";
  public static final String RECONCILED = "RECONCILED";
  public static final String WOULD = "WOULD";
  public static final String REFUSED = "REFUSED";

  /** The first line of a {@code RECONCILED} entry's output. */
  public static final String APPLIED = "applied";

  public static final String NOT_APPLIED = "not-applied";

  /** The act itself; runs only when the mode allows. */
  @FunctionalInterface
  public interface Act {
    Performed perform() throws Exception;
  }

  /** A post-condition check run after the act; throws when the change did not stick. */
  @FunctionalInterface
  public interface PostCondition {
    void verify() throws CheckFailedException;
  }

  /**
   * Reads whether a change of one kind is in effect now, from the change as journaled. Only reads;
   * registered by the adapter that makes such changes ({@link #probe}).
   */
  @FunctionalInterface
  public interface Probe {
    /**
     * @param mutation the change as journaled: kind, target and action (no datacenter)
     * @param since when this run first attempted the change in this step (its first {@code
     *     INTENT}): a change that leaves only a time behind (a restart, a puppet run) is in effect
     *     when it happened since then
     * @throws Exception when the world cannot be read; the step then fails before it acts
     */
    Observation observe(Mutation mutation, Instant since) throws Exception;
  }

  /**
   * What a probe found.
   *
   * @param state whether the change is in effect, or leaves nothing to read ({@link
   *     State#NO_TRACE}: a cache warm-up), in which case only the journal can tell
   * @param observed what was read, in words, for the journal
   */
  public record Observation(State state, String observed) {

    public enum State {
      APPLIED,
      NOT_APPLIED,
      NO_TRACE
    }

    public static Observation applied(String observed) {
      return new Observation(State.APPLIED, observed);
    }

    public static Observation notApplied(String observed) {
      return new Observation(State.NOT_APPLIED, observed);
    }

    public static Observation noTrace(String observed) {
      return new Observation(State.NO_TRACE, observed);
    }
  }

  /**
   * What an act reports.
   *
   * @param output what the command printed or the server answered
   * @param hostKeyFingerprint the SSH host key fingerprint that answered, or {@code null}
   */
  public record Performed(String output, String hostKeyFingerprint) {
    public static Performed of(String output) {
      return new Performed(output, null);
    }
  }

  private final Journal journal;

  /** Crash tests only ({@link CrashPoint}); {@code null} everywhere else. */
  private final CrashPoint crashPoint;

  private final Map<Mutation.Kind, Probe> probes = new ConcurrentHashMap<>();

  public Mutations(Journal journal) {
    this(journal, (CrashPoint) null);
  }

  @Autowired
  public Mutations(Journal journal, ObjectProvider<CrashPoint> crashPoint) {
    this(journal, crashPoint.getIfAvailable());
  }

  private Mutations(Journal journal, CrashPoint crashPoint) {
    this.journal = journal;
    this.crashPoint = crashPoint;
  }

  /**
   * Registers how changes of a kind are read back when an attempt left them open. The adapter that
   * makes them registers it when it is created; a later registration replaces an earlier.
   */
  public void probe(Mutation.Kind kind, Probe probe) {
    probes.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(probe, "probe"));
  }

  /** {@link #apply(RunContext, Mutation, Act, PostCondition)} without a post-condition. */
  public MutationOutcome apply(RunContext run, Mutation mutation, Act act) throws Exception {
    return apply(run, mutation, act, null);
  }

  /**
   * Applies one mutation under the run's mode.
   *
   * @return what was done: performed (now, or by an earlier attempt of this run whose change was
   *     found in effect and is not repeated: journaled {@code RECONCILED applied}), dry-run
   *     "would", or refused by live-test
   * @throws CheckFailedException when the post-condition does not hold after the act
   * @throws Exception whatever the act threw, after it is journaled as {@code FAILED} or, when its
   *     effect is unknown, {@code UNKNOWN}; whatever a probe threw while reading back an earlier
   *     attempt, before anything acted
   */
  public MutationOutcome apply(
      RunContext run, Mutation mutation, Act act, PostCondition postCondition) throws Exception {
    Objects.requireNonNull(act, "act");
    if (run.mode() == ExecutionMode.DRY_RUN) {
      record(run, mutation, "would: " + mutation.action(), WOULD, null, null, null, null);
      return MutationOutcome.WOULD;
    }
    if (run.mode() == ExecutionMode.LIVE_TEST
        && mutation.datacenter() != null
        && mutation.datacenter().equals(run.activeDatacenter())) {
      record(
          run,
          mutation,
          mutation.action(),
          REFUSED,
          "live-test: " + mutation.datacenter() + " is the active datacenter and is not changed",
          null,
          null,
          null);
      LOG.info(
          "live-test refused {} on {} ({}) in run {}",
          mutation.kind(),
          mutation.target(),
          mutation.datacenter(),
          run.runId());
      return MutationOutcome.REFUSED;
    }

    Attempts earlier = attempts(run, mutation);
    if (settle(earlier, run, mutation)) {
      return MutationOutcome.PERFORMED;
    }
    String key = key(run, mutation, earlier.count() + 1);
    record(run, mutation, mutation.action(), INTENT, null, null, null, key);
    long started = System.nanoTime();
    Performed performed;
    try {
      performed = act.perform();
    } catch (Exception e) {
      record(
          run,
          mutation,
          mutation.action(),
          outcomeUnknown(e) ? UNKNOWN : FAILED,
          describe(e),
          millisSince(started),
          null,
          key);
      throw e;
    }
    long duration = millisSince(started);
    record(
        run,
        mutation,
        mutation.action(),
        PERFORMED,
        performed.output(),
        duration,
        performed.hostKeyFingerprint(),
        key);
    if (postCondition != null) {
      try {
        postCondition.verify();
      } catch (CheckFailedException e) {
        record(
            run,
            mutation,
            mutation.action(),
            VERIFY_FAILED,
            e.getMessage(),
            null,
            performed.hostKeyFingerprint(),
            key);
        throw e;
      }
    }
    return MutationOutcome.PERFORMED;
  }

  /**
   * Settles every open attempt of this run's step that another attempt of it began: reads each
   * change back and journals {@code RECONCILED}. In dry-run nothing ever acted, so there is nothing
   * to settle.
   */
  @Override
  public void reconcile(RunContext run) {
    if (run.mode() == ExecutionMode.DRY_RUN) {
      return;
    }
    Map<List<String>, List<JournalEntry>> byChange = new LinkedHashMap<>();
    for (JournalEntry e : journal.entriesOfStep(run.runId(), run.step())) {
      if (e.idempotencyKey() != null && kindOf(e) != null) {
        byChange
            .computeIfAbsent(List.of(e.kind(), e.target(), e.action()), k -> new ArrayList<>())
            .add(e);
      }
    }
    for (List<JournalEntry> entries : byChange.values()) {
      JournalEntry first = entries.get(0);
      Mutation mutation = new Mutation(kindOf(first), first.target(), null, first.action());
      Attempts attempts = new Attempts(entries, ownPrefix(run));
      if (!attempts.open().isEmpty()) {
        settleOpen(attempts, run, mutation, observe(mutation, attempts.since()));
      }
    }
  }

  private Attempts attempts(RunContext run, Mutation mutation) {
    List<JournalEntry> same =
        journal.entriesOfStep(run.runId(), run.step()).stream()
            .filter(
                e ->
                    e.idempotencyKey() != null
                        && e.kind().equals(mutation.kind().name())
                        && e.target().equals(mutation.target())
                        && e.action().equals(mutation.action()))
            .toList();
    return new Attempts(same, ownPrefix(run));
  }

  /** The key prefix of the running attempt, or {@code null} outside the engine. */
  private static String ownPrefix(RunContext run) {
    return run.stepInstance() == null ? null : keyPrefix(run);
  }

  /**
   * The earlier attempts of one change in one step of a run, each as its journal entries in chain
   * order.
   */
  private static final class Attempts {
    private final Map<String, List<JournalEntry>> byKey = new LinkedHashMap<>();
    private final String ownPrefix;

    /**
     * @param ownPrefix the key prefix of the running attempt, {@code null} outside the engine
     */
    Attempts(List<JournalEntry> entries, String ownPrefix) {
      for (JournalEntry e : entries) {
        byKey.computeIfAbsent(e.idempotencyKey(), k -> new ArrayList<>()).add(e);
      }
      byKey.values().removeIf(list -> list.stream().noneMatch(e -> INTENT.equals(e.outcome())));
      this.ownPrefix = ownPrefix;
    }

    boolean isEmpty() {
      return byKey.isEmpty();
    }

    boolean outsideTheEngine() {
      return ownPrefix == null;
    }

    int count() {
      return byKey.size();
    }

    Instant since() {
      return byKey.values().iterator().next().get(0).at();
    }

    /** Attempts of other step instances whose INTENT has no outcome, or only UNKNOWN. */
    List<List<JournalEntry>> open() {
      return byKey.entrySet().stream()
          .filter(k -> ownPrefix == null || !k.getKey().startsWith(ownPrefix))
          .map(Map.Entry::getValue)
          .filter(list -> list.stream().noneMatch(e -> settles(e.outcome())))
          .toList();
    }

    /**
     * The last attempt of another step instance that made the change: performed or found applied.
     */
    List<JournalEntry> lastDone() {
      List<JournalEntry> done = null;
      for (Map.Entry<String, List<JournalEntry>> k : byKey.entrySet()) {
        if (ownPrefix == null || k.getKey().startsWith(ownPrefix)) {
          continue;
        }
        JournalEntry last = k.getValue().get(k.getValue().size() - 1);
        if (PERFORMED.equals(last.outcome())
            || (RECONCILED.equals(last.outcome())
                && last.output() != null
                && last.output().startsWith(APPLIED + "\n"))) {
          done = k.getValue();
        }
      }
      return done;
    }
  }

  /**
   * Settles the open attempts and tells whether the change is in effect, so that it must not be
   * made again. A performed attempt found in effect is confirmed once ({@code RECONCILED applied}
   * under its key); an attempt whose last word is already such an entry is not journaled again.
   * Without a step instance (outside the engine) only open attempts are settled: a call cannot be
   * told from a deliberate repeat.
   */
  private boolean settle(Attempts earlier, RunContext run, Mutation mutation) throws Exception {
    if (earlier.isEmpty()) {
      return false;
    }
    List<List<JournalEntry>> open = earlier.open();
    List<JournalEntry> done = earlier.outsideTheEngine() ? null : earlier.lastDone();
    if (open.isEmpty() && (done == null || !probes.containsKey(mutation.kind()))) {
      return false;
    }
    Observation seen = observe(mutation, earlier.since());
    if (!open.isEmpty()) {
      return settleOpen(earlier, run, mutation, seen);
    }
    boolean inEffect =
        seen.state() == Observation.State.APPLIED || seen.state() == Observation.State.NO_TRACE;
    JournalEntry performed = done.get(done.size() - 1);
    if (inEffect && PERFORMED.equals(performed.outcome())) {
      record(
          run,
          mutation,
          mutation.action(),
          RECONCILED,
          APPLIED
              + "\nconfirms entry "
              + performed.seq()
              + " ("
              + performed.outcome()
              + "): the change is in effect and is not"
              + " made again\nobserved: "
              + seen.observed(),
          null,
          null,
          performed.idempotencyKey());
    }
    return inEffect;
  }

  /** Journals {@code RECONCILED} for each open attempt; true when the change is applied. */
  private boolean settleOpen(
      Attempts earlier, RunContext run, Mutation mutation, Observation seen) {
    boolean applied = seen.state() == Observation.State.APPLIED;
    for (List<JournalEntry> attempt : earlier.open()) {
      StringBuilder settled = new StringBuilder();
      for (JournalEntry e : attempt) {
        settled
            .append(settled.length() == 0 ? "settles entry " : " and entry ")
            .append(e.seq())
            .append(" (")
            .append(e.outcome())
            .append(
                INTENT.equals(e.outcome()) && attempt.size() == 1 ? ", no outcome journaled" : "")
            .append(')');
      }
      String observed =
          seen.state() == Observation.State.NO_TRACE
              ? seen.observed() + "; counted as not applied, so it is made again"
              : seen.observed();
      record(
          run,
          mutation,
          mutation.action(),
          RECONCILED,
          (applied ? APPLIED : NOT_APPLIED) + "\n" + settled + "\nobserved: " + observed,
          null,
          null,
          attempt.get(0).idempotencyKey());
      LOG.info(
          "run {} step {}: {} of {} on {} reconciled as {}",
          run.runId(),
          run.step(),
          attempt.get(0).idempotencyKey(),
          mutation.kind(),
          mutation.target(),
          applied ? APPLIED : NOT_APPLIED);
    }
    return applied;
  }

  private static boolean settles(String outcome) {
    return PERFORMED.equals(outcome)
        || FAILED.equals(outcome)
        || VERIFY_FAILED.equals(outcome)
        || RECONCILED.equals(outcome);
  }

  private Observation observe(Mutation mutation, Instant since) {
    Probe probe = probes.get(mutation.kind());
    if (probe == null) {
      return Observation.noTrace("nothing reads back " + mutation.kind() + " changes here");
    }
    try {
      return probe.observe(mutation, since);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot read back " + mutation.kind() + " on " + mutation.target() + ": " + describe(e),
          e);
    }
  }

  private static Mutation.Kind kindOf(JournalEntry e) {
    try {
      return Mutation.Kind.valueOf(e.kind());
    } catch (IllegalArgumentException notAMutation) {
      return null;
    }
  }

  /**
   * The attempt's idempotency key: {@code run/stepInstance/target/action digest/attempt}. The step
   * name stands in for the instance outside the engine.
   */
  static String key(RunContext run, Mutation mutation, int attempt) {
    return keyPrefix(run) + mutation.target() + "/" + digest(mutation.action()) + "/" + attempt;
  }

  private static String keyPrefix(RunContext run) {
    return run.runId() + "/" + (run.stepInstance() != null ? run.stepInstance() : run.step()) + "/";
  }

  private static String digest(String action) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(action.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Whether a failure leaves the change's effect unknown: it, or a cause, says so. */
  static boolean outcomeUnknown(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutcomeUnknown) {
        return true;
      }
    }
    return false;
  }

  private void record(
      RunContext run,
      Mutation mutation,
      String action,
      String outcome,
      String output,
      Long durationMillis,
      String hostKey,
      String key) {
    journal.append(
        new JournalEntry.Draft(
            run.runId(),
            run.step(),
            run.actor(),
            run.mode().value(),
            mutation.kind().name(),
            mutation.target(),
            action,
            outcome,
            output,
            durationMillis,
            hostKey,
            key));
    if (crashPoint != null) {
      crashPoint.journaled(run.step(), outcome);
    }
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
