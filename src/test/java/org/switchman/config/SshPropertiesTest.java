package org.switchman.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SshPropertiesTest {

  private static SshProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bind("switchman.ssh", SshProperties.class)
        .get();
  }

  @Test
  void theHandshakeTimeoutIsBoundAndDefaultsToTenSeconds() {
    assertThat(
            bind(Map.of("switchman.ssh.user", "switchman", "switchman.ssh.handshake-timeout", "7s"))
                .handshakeTimeout())
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(bind(Map.of("switchman.ssh.user", "switchman")).handshakeTimeout())
        .isEqualTo(Duration.ofSeconds(10));
  }
}
