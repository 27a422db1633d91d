package org.switchman.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.switchman.config.LabProfile;

/**
 * For crash tests only: halts the JVM, as {@code kill -9} would, at one chosen point of one step,
 * so that a test can restart the application and watch it resume from exactly there.
 *
 * <p>Set {@value #PROPERTY} to {@code <step>:<outcome>:<n>} to halt right after the {@code n}th
 * journal entry with that outcome ({@code INTENT}, {@code PERFORMED}, {@code FAILED}, …) written in
 * that step, for example {@code ServiceTask_StopMaintenance:PERFORMED:1} (the first host stopped,
 * before the step's transaction commits) or {@code ServiceTask_SetMediaWikiReadOnly:INTENT:1}
 * (before the first change is made). {@code <step>:STEP_END[:<n>]} halts when the step's delegate
 * has returned for the {@code n}th time (default 1), before the engine commits. The step is the
 * activity id; the steps of a multi-instance activity (one per section) count together. The halt
 * exits with status {@value #EXIT_STATUS} and runs no shutdown hook.
 *
 * <p>Kept out of production: the bean exists only while {@value #PROPERTY} is set, and then refuses
 * to start unless the {@code lab} profile (demo users, never a production site) is active. Only the
 * mutation choke point and the engine hook of the step end reach it (ArchitectureTest).
 */
@Component
@ConditionalOnProperty(name = CrashPoint.PROPERTY)
public class CrashPoint {

  private static final Logger LOG = LoggerFactory.getLogger(CrashPoint.class);

  /** The setting that chooses the point. */
  public static final String PROPERTY = "switchman.test.crash-point";

  /**
   * Optional: a file that the halt creates first. A JVM that finds it there already goes on, so
   * that of several nodes armed with one crash point only the first to reach it halts.
   */
  public static final String CLAIM_PROPERTY = "switchman.test.crash-point-claim";

  /** The exit status of a halted JVM, as after SIGKILL (128 + 9). */
  public static final int EXIT_STATUS = 137;

  /** The point that means "after the step's delegate returned, before the commit". */
  public static final String STEP_END = "STEP_END";

  private static final Set<String> OUTCOMES =
      Set.of(
          "INTENT",
          "PERFORMED",
          "FAILED",
          "WOULD",
          "REFUSED",
          "VERIFY_FAILED",
          "RECONCILED",
          "UNKNOWN",
          STEP_END);

  private final String step;
  private final String point;
  private final int nth;
  private final AtomicInteger seen = new AtomicInteger();
  private final IntConsumer halt;

  @Autowired
  public CrashPoint(Environment environment) {
    this(
        requireLab(environment).getProperty(PROPERTY, ""),
        haltOnce(
            environment.getProperty(CLAIM_PROPERTY, ""),
            status -> Runtime.getRuntime().halt(status)));
  }

  /**
   * {@code halt}, or with a claim file, {@code halt} only for the JVM that creates the file.
   *
   * @param claim the file's path, or blank
   */
  static IntConsumer haltOnce(String claim, IntConsumer halt) {
    if (claim.isBlank()) {
      return halt;
    }
    Path file = Path.of(claim);
    return status -> {
      try {
        Files.createFile(file);
      } catch (FileAlreadyExistsException e) {
        System.err.println("CRASH POINT already taken by another node (" + file + "); going on");
        return;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the crash point's claim " + file, e);
      }
      halt.accept(status);
    };
  }

  /**
   * @param spec {@code <step>:<outcome>:<n>} or {@code <step>:STEP_END[:<n>]}
   * @param halt what halting does (the JVM's halt; a test's recorder)
   * @throws IllegalArgumentException naming the setting and the expected form when the spec is bad
   */
  CrashPoint(String spec, IntConsumer halt) {
    String[] parts = spec.strip().split(":");
    if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
      throw bad(spec);
    }
    this.step = parts[0].strip();
    this.point = parts[1].strip().toUpperCase(Locale.ROOT);
    if (!OUTCOMES.contains(point)) {
      throw bad(spec);
    }
    if (parts.length == 3) {
      try {
        this.nth = Integer.parseInt(parts[2].strip());
      } catch (NumberFormatException e) {
        throw bad(spec);
      }
      if (nth < 1) {
        throw bad(spec);
      }
    } else if (point.equals(STEP_END)) {
      this.nth = 1;
    } else {
      throw bad(spec);
    }
    this.halt = halt;
    LOG.warn("Crash point armed: the JVM halts at {} {} #{} ({})", step, point, nth, PROPERTY);
  }

  private static Environment requireLab(Environment environment) {
    if (!LabProfile.isActive(environment)) {
      throw new IllegalStateException(
          PROPERTY
              + " is set, but the '"
              + LabProfile.NAME
              + "' profile is not active. A crash point halts the application on purpose and exists"
              + " for crash tests against a lab only: remove "
              + PROPERTY
              + " from the settings.");
    }
    return environment;
  }

  private static IllegalArgumentException bad(String spec) {
    return new IllegalArgumentException(
        PROPERTY
            + " must be <step>:<outcome>:<n> (outcome one of "
            + "INTENT, PERFORMED, FAILED, …) or <step>:STEP_END[:<n>], not '"
            + spec
            + "'");
  }

  /** Called after each journal entry a step writes through the mutation choke point. */
  public void journaled(String activeStep, String outcome) {
    if (outcome.equals(point)) {
      reached(activeStep);
    }
  }

  /** Called when a step's delegate has returned, before the engine commits. */
  public void stepEnded(String activeStep) {
    if (point.equals(STEP_END)) {
      reached(activeStep);
    }
  }

  private void reached(String activeStep) {
    if (!activeStep.equals(step) && !activeStep.startsWith(step + "[")) {
      return;
    }
    if (seen.incrementAndGet() == nth) {
      // stderr directly: a logger may buffer, and the halt runs no hook that would flush it
      System.err.println(
          "CRASH POINT "
              + step
              + ":"
              + point
              + ":"
              + nth
              + " reached in "
              + activeStep
              + ", halting with status "
              + EXIT_STATUS);
      System.err.flush();
      halt.accept(EXIT_STATUS);
    }
  }
}
