package org.switchman.web.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchman.audit.OpsEvent;

class LoginThrottleTest {

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-12-01T10:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }
  }

  private final TestClock clock = new TestClock();
  private final List<OpsEvent> opsLog = new ArrayList<>();
  private final LoginThrottle throttle =
      new LoginThrottle(3, Duration.ofMinutes(5), clock, opsLog::add);

  @Test
  void anAddressIsRefusedAfterTheThresholdUntilItsOldestFailureLeavesTheWindow() {
    throttle.failed("192.0.2.7", "dave");
    clock.advance(Duration.ofMinutes(1));
    throttle.failed("192.0.2.7", "dave");
    assertThat(throttle.refusedFor("192.0.2.7")).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    throttle.failed("192.0.2.7", "admin");

    assertThat(throttle.refusedFor("192.0.2.7")).contains(Duration.ofMinutes(3));
    assertThat(throttle.refusedFor("192.0.2.8")).as("another address").isEmpty();

    clock.advance(Duration.ofMinutes(3));
    assertThat(throttle.refusedFor("192.0.2.7")).as("the first failure left the window").isEmpty();
    throttle.failed("192.0.2.7", "dave");
    assertThat(throttle.refusedFor("192.0.2.7"))
        .as("sliding: the second and third failures still count")
        .contains(Duration.ofMinutes(1));
  }

  @Test
  void failuresSpreadWiderThanTheWindowNeverThrottle() {
    for (int i = 0; i < 20; i++) {
      throttle.failed("192.0.2.7", "dave");
      assertThat(throttle.refusedFor("192.0.2.7")).isEmpty();
      clock.advance(Duration.ofMinutes(2).plusSeconds(31));
    }
    assertThat(opsLog).isEmpty();
  }

  @Test
  void becomingThrottledWritesOneOpsLogLineNamingTheAddressAndTheUsersTried() {
    throttle.failed("192.0.2.7", "dave");
    throttle.failed("192.0.2.7", "admin");
    assertThat(opsLog).isEmpty();
    throttle.failed("192.0.2.7", "bad\nid");

    assertThat(opsLog).hasSize(1);
    OpsEvent line = opsLog.get(0);
    assertThat(line.kind()).isEqualTo(OpsEvent.Kind.LOGIN_THROTTLED);
    assertThat(line.runId()).isNull();
    assertThat(line.detail())
        .contains("192.0.2.7: 3 failed logins within 5m")
        .contains("users tried: dave, admin, (not a user id)")
        .contains("refused for 300 s")
        .doesNotContain("\n");
    assertThat(line.line()).startsWith("2026-12-01T10:00:00Z system: login throttled: 192.0.2.7");
  }

  @Test
  void clearingAnAddressLetsItTryAtOnce() {
    for (int i = 0; i < 3; i++) {
      throttle.failed("192.0.2.7", "dave");
    }
    assertThat(throttle.clear("192.0.2.7")).isTrue();
    assertThat(throttle.refusedFor("192.0.2.7")).isEmpty();
    assertThat(throttle.clear("192.0.2.7")).as("nothing left to clear").isFalse();
    throttle.failed("192.0.2.7", "dave");
    assertThat(throttle.refusedFor("192.0.2.7")).as("counting starts afresh").isEmpty();
  }

  @Test
  void retryAfterIsRoundedUpToWholeSeconds() {
    assertThat(LoginThrottle.seconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(LoginThrottle.seconds(Duration.ofMillis(2001))).isEqualTo(3);
    assertThat(LoginThrottle.seconds(Duration.ofSeconds(42))).isEqualTo(42);
  }
}
