package org.switchman.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Failed logins per client address ({@code switchman.login-throttle.*}): after {@code max-failures}
 * failed logins within {@code window}, logins from that address are refused with 429 until the
 * oldest of them is older than the window.
 *
 * @param maxFailures how many failed logins an address may make within the window (10)
 * @param window how far back failures count (5 minutes)
 */
@ConfigurationProperties("switchman.login-throttle")
public record LoginThrottleProperties(Integer maxFailures, Duration window) {

  public LoginThrottleProperties {
    maxFailures = maxFailures == null ? 10 : maxFailures;
    window = window == null ? Duration.ofMinutes(5) : window;
    if (maxFailures < 1) {
      throw new IllegalStateException("switchman.login-throttle.max-failures must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalStateException("switchman.login-throttle.window must be positive");
    }
  }
}
