package org.switchman.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.switchman.support.BoundSettings;

class SwitchoverPropertiesTest {

  /** Hosts and a deployment server that pass {@link SwitchoverProperties#validated()}. */
  private static Map<String, String> hosts() {
    Map<String, String> settings = new HashMap<>();
    settings.put("deployment-server", "deploy1001.eqiad.wmnet");
    for (String dc : List.of("eqiad", "codfw")) {
      for (String hosts : List.of("maintenance-hosts", "siteinfo-hosts", "db-master-hosts")) {
        settings.put(hosts + "." + dc, "a." + dc + ".wmnet");
      }
    }
    return settings;
  }

  /**
   * The settings, named under {@code switchman.switchover}, bound as the application binds them.
   */
  private static SwitchoverProperties bound(Map<String, String> settings) {
    return BoundSettings.bound("switchman.switchover", SwitchoverProperties.class, settings);
  }

  /** The hosts, and {@code switchman.switchover.<name>} set to the value. */
  private static SwitchoverProperties boundWith(String name, String value) {
    Map<String, String> settings = hosts();
    settings.put(name, value);
    return bound(settings);
  }

  @Test
  void theShortTtlIsProductionsTenSecondsUnlessSet() {
    assertThat(bound(hosts()).validated().shortTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(boundWith("short-ttl", "2s").validated().shortTtl())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aShortTtlThatDnsCannotCarryIsRefusedWhenBoundNamingTheSetting() {
    Map<String, String> refused =
        Map.of("0s", "PT0S", "-5s", "PT-5S", "1500ms", "PT1.5S", "500ms", "PT0.5S");
    refused.forEach(
        (wrong, shown) ->
            assertThatThrownBy(() -> boundWith("short-ttl", wrong))
                .as("%s", wrong)
                .isInstanceOf(BindException.class)
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("switchman.switchover.short-ttl")
                .hasMessageContaining("whole number of seconds")
                .hasMessageContaining(shown));
  }

  @Test
  void everyWrongTimeOrCountIsRefusedWhenBoundNamingTheSettingAndTheValue() {
    // setting, wrong value, what the refusal shows of the value
    Map<String, List<String>> refused = new LinkedHashMap<>();
    refused.put("catch-up-attempts", List.of("0", ", not 0"));
    refused.put("catch-up-interval", List.of("-1s", "PT-1S"));
    refused.put("command-timeout", List.of("0s", "PT0S"));
    refused.put("max-lag-seconds", List.of("-1", ", not -1"));
    refused.put("approval-reminder", List.of("0s", "PT0S"));
    refused.put("ttl-if-unknown", List.of("0", ", not 0"));
    refused.put("decision-escalation-first", List.of("0s", "PT0S"));
    refused.put("decision-escalation-interval", List.of("-3m", "PT-3M"));
    refused.put("read-only-overrun-interval", List.of("0s", "PT0S"));
    refused.put("siteinfo-wait", List.of("-15s", "PT-15S"));
    refused.put("master-change-settle", List.of("-1s", "PT-1S"));
    refused.forEach(
        (name, wrong) ->
            assertThatThrownBy(() -> boundWith(name, wrong.get(0)))
                .as("%s=%s", name, wrong.get(0))
                .isInstanceOf(BindException.class)
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("switchman.switchover." + name + " must")
                .hasMessageContaining(wrong.get(1)));
    // the edges that stay allowed
    assertThat(boundWith("master-change-settle", "0s").masterChangeSettle()).isZero();
    assertThat(boundWith("catch-up-interval", "0s").catchUpInterval()).isZero();
    assertThat(boundWith("max-lag-seconds", "0").maxLagSeconds()).isZero();
    assertThat(boundWith("catch-up-attempts", "1").catchUpAttempts()).isEqualTo(1);
  }

  @Test
  void aReminderThatDoesNotComeBeforeTheApprovalTimeoutIsRefusedWhenBound() {
    Map<String, String> settings = hosts();
    settings.put("approval-timeout", "10m");
    settings.put("approval-reminder", "10m");
    assertThatThrownBy(() -> bound(settings))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("switchman.switchover.approval-reminder (PT10M)")
        .hasMessageContaining("switchman.switchover.approval-timeout (PT10M)");
  }

  @Test
  void anApplicationWithAWrongSettingDoesNotStartAndOneWithoutHostsDoes() {
    ApplicationContextRunner app =
        new ApplicationContextRunner().withUserConfiguration(Settings.class);
    app.withPropertyValues("switchman.switchover.command-timeout=0s")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("switchman.switchover.command-timeout"));
    // a node that runs no switchover: its hosts are only asked for by the first switchover step
    app.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThatThrownBy(() -> context.getBean(SwitchoverProperties.class).validated())
              .hasMessageContaining("switchman.switchover.deployment-server");
        });
  }

  @EnableConfigurationProperties(SwitchoverProperties.class)
  static class Settings {}
}
