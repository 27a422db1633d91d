package org.switchman.infra;

import java.util.Objects;
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

/**
 * The one choke point every change of the outside world goes through. For each mutation it
 * <ol>
 *   <li>decides by the run's mode: {@code live} acts; {@code dry-run} records "would: …" and does
 *       not act; {@code live-test} acts only outside the active datacenter and records a refusal
 *       for a mutation aimed at it;
 *   <li>journals an entry before acting ({@code INTENT}) and one after ({@code PERFORMED} with
 *       output, duration and SSH host key, or {@code FAILED} with the error);
 *   <li>verifies the post-condition where one is given (read back after write), journaling
 *       {@code VERIFY_FAILED} and throwing {@link CheckFailedException} when it does not hold.
 * </ol>
 * Journal entries are written in their own transactions, so a failure leaves its trail.
 */
@Component
public class Mutations {

  private static final Logger LOG = LoggerFactory.getLogger(Mutations.class);

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

  /** {@link #apply(RunContext, Mutation, Act, PostCondition)} without a post-condition. */
  public MutationOutcome apply(RunContext run, Mutation mutation, Act act) throws Exception {
    return apply(run, mutation, act, null);
  }

  /**
   * Applies one mutation under the run's mode.
   *
   * @return what was done: performed, dry-run "would", or refused by live-test
   * @throws CheckFailedException when the post-condition does not hold after the act
   * @throws Exception whatever the act threw, after it is journaled as {@code FAILED}
   */
  public MutationOutcome apply(RunContext run, Mutation mutation, Act act, PostCondition postCondition)
      throws Exception {
    Objects.requireNonNull(act, "act");
    if (run.mode() == ExecutionMode.DRY_RUN) {
      record(run, mutation, "would: " + mutation.action(), "WOULD", null, null, null);
      return MutationOutcome.WOULD;
    }
    if (run.mode() == ExecutionMode.LIVE_TEST && mutation.datacenter() != null
        && mutation.datacenter().equals(run.activeDatacenter())) {
      record(run, mutation, mutation.action(), "REFUSED",
          "live-test: " + mutation.datacenter() + " is the active datacenter and is not changed",
          null, null);
      LOG.info("live-test refused {} on {} ({}) in run {}", mutation.kind(), mutation.target(),
          mutation.datacenter(), run.runId());
      return MutationOutcome.REFUSED;
    }

    record(run, mutation, mutation.action(), "INTENT", null, null, null);
    long started = System.nanoTime();
    Performed performed;
    try {
      performed = act.perform();
    } catch (Exception e) {
      record(run, mutation, mutation.action(), "FAILED", describe(e), millisSince(started), null);
      throw e;
    }
    long duration = millisSince(started);
    record(run, mutation, mutation.action(), "PERFORMED", performed.output(), duration,
        performed.hostKeyFingerprint());
    if (postCondition != null) {
      try {
        postCondition.verify();
      } catch (CheckFailedException e) {
        record(run, mutation, mutation.action(), "VERIFY_FAILED", e.getMessage(), null,
            performed.hostKeyFingerprint());
        throw e;
      }
    }
    return MutationOutcome.PERFORMED;
  }

  private void record(RunContext run, Mutation mutation, String action, String outcome,
      String output, Long durationMillis, String hostKey) {
    journal.append(new JournalEntry.Draft(run.runId(), run.step(), run.actor(), run.mode().value(),
        mutation.kind().name(), mutation.target(), action, outcome, output, durationMillis, hostKey));
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
