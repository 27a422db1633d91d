package org.switchman.process.switchover;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.switchman.config.DbProperties;
import org.switchman.config.SwitchoverProperties;

/**
 * The section steps of the DB lockdowns that are running in this JVM, per lockdown (one {@code
 * db-masters-read-only} or {@code db-masters-read-write} process instance), so that the rollback
 * after an abort does not run under a sibling section that is still acting.
 *
 * <p>Why: an abort in one section cancels the other sections' executions, but the engine does not
 * stop a job that is already running on another thread. Such a sibling finishes its {@code SET
 * GLOBAL read_only} (blocked, perhaps, until the database's socket timeout) and only then fails its
 * commit. Had the rollback run before that statement landed, the sibling's master would stay as the
 * sibling left it, after the "rollback".
 *
 * <p>How: every section step runs inside {@link #run}, which registers it for its lockdown and
 * removes it when the step returns or throws, and refuses to start a step for a lockdown that is
 * being rolled back. The rollback first calls {@link #closeAndAwait}: from then on no new section
 * step of that lockdown acts, and the rollback waits until the steps that were running have ended,
 * each at most until its own deadline ({@link #stepDeadline()}: every statement the step may send
 * bounded by the connect and socket timeouts, plus the catch-up budget), and in one call at most
 * {@link #MAX_WAIT}, below the engine's job lock time. Registering and closing are atomic with
 * respect to each other, so a step either is waited for or does not act.
 *
 * <p>What it does not cover:
 *
 * <ul>
 *   <li><b>Several nodes.</b> The registry lives in one JVM. A sibling's job running on another
 *       node sharing the engine database is neither waited for nor refused; the rollback there may
 *       still run before that sibling's statement lands.
 *   <li><b>A crash.</b> A node that dies mid-step takes its registry with it; after a restart the
 *       rollback finds nothing to wait for (the dead step's statement has either landed, and is
 *       rolled back, or never will).
 *   <li><b>A statement the server runs after the client gave up</b>: for example one sent to a
 *       frozen server that resumes after the socket timeout. The step has ended for this JVM, the
 *       rollback runs, and the server applies the statement later. A {@code SET GLOBAL read_only}
 *       that merely waits for a lock is bounded on the server by the adapter, so it fails there
 *       before the client gives up.
 * </ul>
 */
@Component
public class SectionStepsInFlight {

  /**
   * The longest one rollback job waits, far below the job lock time, so the engine does not hand
   * the same job to another thread meanwhile; a rollback that is still waiting then fails and is
   * retried by the engine.
   */
  static final Duration MAX_WAIT = Duration.ofSeconds(45);

  /**
   * Statements a section step sends besides the catch-up's look per attempt (reads, the set,
   * read-backs).
   */
  static final int STEP_STATEMENTS = 6;

  /** How long a closed lockdown stays closed: far longer than any of its jobs can still start. */
  static final Duration CLOSED_FOR = Duration.ofHours(6);

  /** One running section step. */
  record Flight(String section, Thread thread, Instant deadline) {}

  private final ObjectProvider<DbProperties> db;
  private final ObjectProvider<SwitchoverProperties> settings;
  private final Map<String, List<Flight>> running = new HashMap<>();
  private final Map<String, Instant> closed = new HashMap<>();

  public SectionStepsInFlight(
      ObjectProvider<DbProperties> db, ObjectProvider<SwitchoverProperties> settings) {
    this.db = db;
    this.settings = settings;
  }

  /**
   * Runs one section step of a lockdown, registered for as long as it runs.
   *
   * @param lockdown the lockdown's process instance id
   * @throws LockdownRolledBackException before the step acts, when the lockdown is being rolled
   *     back: its section's execution is cancelled, and nothing may change any more
   */
  public <T> T run(String lockdown, String section, Supplier<T> step) {
    Flight flight = new Flight(section, Thread.currentThread(), Instant.now().plus(stepDeadline()));
    synchronized (this) {
      if (closed.containsKey(lockdown)) {
        throw new LockdownRolledBackException(
            "The lockdown "
                + lockdown
                + " is being rolled back;"
                + " section "
                + section
                + " does not act");
      }
      running.computeIfAbsent(lockdown, k -> new ArrayList<>()).add(flight);
    }
    try {
      return step.get();
    } finally {
      synchronized (this) {
        List<Flight> flights = running.get(lockdown);
        if (flights != null) {
          flights.remove(flight);
          if (flights.isEmpty()) {
            running.remove(lockdown);
          }
        }
        notifyAll();
      }
    }
  }

  /**
   * Closes a lockdown to new section steps and waits for the running ones to end, each until its
   * deadline, all at most {@link #MAX_WAIT}.
   *
   * @return the sections whose step still runs when the wait ended; empty when none does
   */
  public List<String> closeAndAwait(String lockdown) {
    Instant limit = Instant.now().plus(MAX_WAIT);
    synchronized (this) {
      Instant now = Instant.now();
      closed.values().removeIf(at -> at.plus(CLOSED_FOR).isBefore(now));
      closed.putIfAbsent(lockdown, now);
      while (true) {
        List<Flight> flights =
            running.getOrDefault(lockdown, List.of()).stream()
                .filter(f -> f.thread() != Thread.currentThread())
                .toList();
        if (flights.isEmpty()) {
          return List.of();
        }
        Instant until =
            flights.stream().map(Flight::deadline).max(Instant::compareTo).orElseThrow();
        if (until.isAfter(limit)) {
          until = limit;
        }
        long millis = Duration.between(Instant.now(), until).toMillis();
        if (millis <= 0) {
          return flights.stream().map(Flight::section).sorted().toList();
        }
        try {
          wait(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return flights.stream().map(Flight::section).sorted().toList();
        }
      }
    }
  }

  /** The sections of a lockdown whose step runs now, sorted. */
  public synchronized List<String> running(String lockdown) {
    return running.getOrDefault(lockdown, List.of()).stream()
        .map(Flight::section)
        .sorted()
        .toList();
  }

  /**
   * The longest a section step can take: each statement it sends bounded by the connect and socket
   * timeouts, and the catch-up's pauses.
   */
  Duration stepDeadline() {
    DbProperties d = db.getIfAvailable();
    Duration connect = d != null ? d.connectTimeout() : Duration.ofSeconds(3);
    Duration query = d != null ? d.queryTimeout() : Duration.ofSeconds(10);
    SwitchoverProperties s = settings.getIfAvailable();
    int attempts = s != null ? s.catchUpAttempts() : 20;
    Duration interval = s != null ? s.catchUpInterval() : Duration.ofMillis(250);
    return connect
        .plus(query)
        .multipliedBy(STEP_STATEMENTS + attempts)
        .plus(interval.multipliedBy(attempts));
  }

  /** A section step that was refused because its lockdown is being rolled back. */
  public static class LockdownRolledBackException extends IllegalStateException {
    public LockdownRolledBackException(String message) {
      super(message);
    }
  }
}
