package org.switchman.web.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;

/**
 * Failed logins per client address, in memory, over a sliding window: an address that has made
 * {@code maxFailures} failed logins within {@code window} is refused until the oldest of them is
 * older than the window. Refused attempts do not count, so the wait it is told is the truth.
 *
 * <p>Each time an address becomes throttled, one ops log line ({@code LOGIN_THROTTLED}) says so,
 * with the user ids it tried. An administrator can clear an address at once ({@link #clear}).
 *
 * <p>Memory is bounded: an address keeps at most {@code maxFailures} timestamps and a few user ids,
 * addresses whose failures are all older than the window are dropped, and beyond {@value
 * #MAX_ADDRESSES} addresses new ones are not tracked (with a warning).
 *
 * <p>The state lives in this node only: on a cluster each node throttles on its own.
 */
public class LoginThrottle {

  private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
  static final int MAX_ADDRESSES = 100_000;
  private static final int SWEEP_ABOVE = 10_000;
  private static final int USERS_KEPT = 5;
  private static final Pattern PLAIN_USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final OpsLog opsLog;
  private final ConcurrentHashMap<String, Failures> addresses = new ConcurrentHashMap<>();

  /** The recent failures of one address; guarded by its own monitor. */
  private static final class Failures {
    final ArrayDeque<Instant> times = new ArrayDeque<>();
    final Set<String> users = new LinkedHashSet<>();
  }

  public LoginThrottle(int maxFailures, Duration window, Clock clock, OpsLog opsLog) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.clock = clock;
    this.opsLog = opsLog;
  }

  /**
   * How much longer logins from the address are refused.
   *
   * @return the wait, or empty when the address may try
   */
  public Optional<Duration> refusedFor(String address) {
    Failures failures = addresses.get(address);
    if (failures == null) {
      return Optional.empty();
    }
    synchronized (failures) {
      return refusedFor(failures, clock.instant());
    }
  }

  private Optional<Duration> refusedFor(Failures failures, Instant now) {
    if (failures.times.size() < maxFailures) {
      return Optional.empty();
    }
    Duration left = Duration.between(now, failures.times.peekFirst().plus(window));
    return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
  }

  /**
   * Counts a failed login. When it is the one that throttles the address, the ops log says so.
   *
   * @param user the user id tried, if known; only plain ids are kept for the ops log line
   */
  public void failed(String address, String user) {
    Instant now = clock.instant();
    if (addresses.size() > SWEEP_ABOVE) {
      sweep(now);
    }
    if (addresses.size() >= MAX_ADDRESSES && !addresses.containsKey(address)) {
      LOG.warn(
          "Login throttle: {} addresses with recent failed logins; {} is not tracked",
          addresses.size(),
          address);
      return;
    }
    Failures failures = addresses.computeIfAbsent(address, key -> new Failures());
    Optional<Duration> throttled;
    List<String> users;
    synchronized (failures) {
      failures.times.addLast(now);
      while (failures.times.size() > maxFailures) {
        failures.times.removeFirst();
      }
      if (user != null) {
        failures.users.remove(user);
        failures.users.add(PLAIN_USER_ID.matcher(user).matches() ? user : "(not a user id)");
        while (failures.users.size() > USERS_KEPT) {
          failures.users.remove(failures.users.iterator().next());
        }
      }
      throttled = refusedFor(failures, now);
      users = List.copyOf(failures.users);
    }
    if (throttled.isPresent()) {
      LOG.warn(
          "Login throttle: {} made {} failed logins within {}; refused for {} s",
          address,
          maxFailures,
          window,
          seconds(throttled.get()));
      opsLog.record(
          new OpsEvent(
              now,
              OpsEvent.Kind.LOGIN_THROTTLED,
              null,
              null,
              null,
              null,
              null,
              address
                  + ": "
                  + maxFailures
                  + " failed logins within "
                  + describe(window)
                  + (users.isEmpty() ? "" : " (users tried: " + String.join(", ", users) + ")")
                  + "; logins from this address refused for "
                  + seconds(throttled.get())
                  + " s"));
    }
  }

  /**
   * Forgets the address's failures, so that it may log in again at once.
   *
   * @return whether logins from it were refused
   */
  public boolean clear(String address) {
    Failures failures = addresses.remove(address);
    if (failures == null) {
      return false;
    }
    synchronized (failures) {
      return refusedFor(failures, clock.instant()).isPresent();
    }
  }

  private void sweep(Instant now) {
    Instant oldest = now.minus(window);
    addresses
        .entrySet()
        .removeIf(
            entry -> {
              synchronized (entry.getValue()) {
                Instant last = entry.getValue().times.peekLast();
                return last == null || !last.isAfter(oldest);
              }
            });
  }

  /** Whole seconds, rounded up: what {@code Retry-After} says. */
  static long seconds(Duration duration) {
    long seconds = duration.toSeconds();
    return duration.minusSeconds(seconds).isZero() ? Math.max(1, seconds) : seconds + 1;
  }

  private static String describe(Duration duration) {
    return duration.toString().substring(2).toLowerCase();
  }

  public int maxFailures() {
    return maxFailures;
  }

  public Duration window() {
    return window;
  }
}
