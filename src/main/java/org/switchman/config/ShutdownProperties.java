package org.switchman.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the application stops while runbook steps run ({@code switchman.shutdown.*}).
 *
 * <p>The defaults (75 s and 10 s) cover the longest single wait of a step, an SSH command at its
 * default timeouts (5 s connect, 10 s handshake, 60 s command), and together stay within systemd's
 * default stop timeout of 90 s.
 *
 * @param stepGrace how long running steps may take to finish once the application stops (SIGTERM,
 *     context close) before they are interrupted
 * @param interruptGrace how long interrupted steps get to record that they were interrupted before
 *     the engine closes
 */
@ConfigurationProperties("switchman.shutdown")
public record ShutdownProperties(Duration stepGrace, Duration interruptGrace) {

  public ShutdownProperties {
    stepGrace = stepGrace == null ? Duration.ofSeconds(75) : stepGrace;
    interruptGrace = interruptGrace == null ? Duration.ofSeconds(10) : interruptGrace;
    if (stepGrace.isNegative() || interruptGrace.isNegative()) {
      throw new IllegalStateException(
          "switchman.shutdown.step-grace and interrupt-grace must not" + " be negative");
    }
  }
}
