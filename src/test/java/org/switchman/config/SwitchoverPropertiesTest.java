package org.switchman.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SwitchoverPropertiesTest {

  /**
   * Settings that pass validation, bound as the application binds them, with {@code
   * switchman.switchover.short-ttl} as given ({@code null} for the default).
   */
  private static SwitchoverProperties withShortTtl(String shortTtl) {
    Map<String, String> settings = new HashMap<>();
    settings.put("switchman.switchover.deployment-server", "deploy1001.eqiad.wmnet");
    for (String dc : List.of("eqiad", "codfw")) {
      for (String hosts : List.of("maintenance-hosts", "siteinfo-hosts", "db-master-hosts")) {
        settings.put("switchman.switchover." + hosts + "." + dc, "a." + dc + ".wmnet");
      }
    }
    if (shortTtl != null) {
      settings.put("switchman.switchover.short-ttl", shortTtl);
    }
    return new Binder(new MapConfigurationPropertySource(settings))
        .bind("switchman.switchover", SwitchoverProperties.class)
        .get();
  }

  @Test
  void theShortTtlIsProductionsTenSecondsUnlessSet() {
    assertThat(withShortTtl(null).validated().shortTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(withShortTtl("2s").validated().shortTtl()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aShortTtlThatDnsCannotCarryIsRefusedNamingTheSetting() {
    Map<String, String> refused =
        Map.of("0s", "PT0S", "-5s", "PT-5S", "1500ms", "PT1.5S", "500ms", "PT0.5S");
    refused.forEach(
        (wrong, shown) ->
            assertThatThrownBy(() -> withShortTtl(wrong).validated())
                .as("%s", wrong)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("switchman.switchover.short-ttl")
                .hasMessageContaining("whole number of seconds")
                .hasMessageContaining(shown));
  }
}
