package org.switchman.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SwitchoverPropertiesTest {

  /** Settings that pass validation, with the short TTL given ({@code null} for the default). */
  private static SwitchoverProperties withShortTtl(Duration shortTtl) {
    Map<String, List<String>> oneHostPerDc =
        Map.of("eqiad", List.of("a.eqiad.wmnet"), "codfw", List.of("a.codfw.wmnet"));
    return new SwitchoverProperties(
        null,
        null,
        oneHostPerDc,
        null,
        oneHostPerDc,
        null,
        "deploy1001.eqiad.wmnet",
        oneHostPerDc,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        shortTtl,
        null,
        null,
        null);
  }

  @Test
  void theShortTtlIsProductionsTenSecondsUnlessSet() {
    assertThat(withShortTtl(null).validated().shortTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(withShortTtl(Duration.ofSeconds(2)).validated().shortTtl())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aShortTtlThatDnsCannotCarryIsRefusedNamingTheSetting() {
    for (Duration wrong :
        List.of(
            Duration.ZERO,
            Duration.ofSeconds(-5),
            Duration.ofMillis(1500),
            Duration.ofMillis(500))) {
      assertThatThrownBy(() -> withShortTtl(wrong).validated())
          .as("%s", wrong)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("switchman.switchover.short-ttl")
          .hasMessageContaining("whole number of seconds")
          .hasMessageContaining(wrong.toString());
    }
  }
}
