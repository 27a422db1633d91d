package org.switchman.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchman.support.BoundSettings;

class SshPropertiesTest {

  private static SshProperties bind(Map<String, String> settings) {
    return BoundSettings.bound("switchman.ssh", SshProperties.class, settings);
  }

  @Test
  void theHandshakeTimeoutIsBoundAndDefaultsToTenSeconds() {
    assertThat(bind(Map.of("user", "switchman", "handshake-timeout", "7s")).handshakeTimeout())
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(bind(Map.of("user", "switchman")).handshakeTimeout())
        .isEqualTo(Duration.ofSeconds(10));
  }
}
