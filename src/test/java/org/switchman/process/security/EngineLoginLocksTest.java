package org.switchman.process.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.container.impl.metadata.PropertyHelper;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The engine's own lock after wrong passwords, with the generic properties as shipped in
 * application.yaml: never for good, so an anonymous client cannot lock out admin or an approver.
 * The control shows that the engine's default would.
 */
class EngineLoginLocksTest {

  private ProcessEngine engine;

  @AfterEach
  void close() {
    ClockUtil.reset();
    if (engine != null) {
      engine.close();
    }
  }

  /**
   * The {@code login-*} settings of {@code camunda.bpm.generic-properties.properties} in
   * application.yaml.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, String> shippedGenericProperties() throws Exception {
    try (InputStream yaml = EngineLoginLocksTest.class.getResourceAsStream("/application.yaml")) {
      Map<String, Object> root = (Map<String, Object>) new Yaml().loadAll(yaml).iterator().next();
      Map<String, Object> bpm =
          (Map<String, Object>) ((Map<String, Object>) root.get("camunda")).get("bpm");
      Map<String, Object> generic =
          (Map<String, Object>)
              ((Map<String, Object>) bpm.get("generic-properties")).get("properties");
      Map<String, String> properties = new LinkedHashMap<>();
      generic.forEach(
          (key, value) -> {
            if (key.startsWith("login-")) {
              properties.put(key, String.valueOf(value));
            }
          });
      assertThat(properties).as("application.yaml sets the engine's login lock").isNotEmpty();
      return properties;
    }
  }

  private IdentityService engine(Map<String, String> genericProperties) {
    StandaloneInMemProcessEngineConfiguration configuration =
        new StandaloneInMemProcessEngineConfiguration();
    configuration.setJdbcUrl("jdbc:h2:mem:login-locks-" + UUID.randomUUID());
    configuration.setProcessEngineName("login-locks-" + UUID.randomUUID());
    configuration.setJobExecutorActivate(false);
    configuration.setDbMetricsReporterActivate(false);
    // as the Spring Boot starter applies camunda.bpm.generic-properties
    PropertyHelper.applyProperties(configuration, genericProperties, PropertyHelper.KEBAB_CASE);
    engine = configuration.buildProcessEngine();
    IdentityService identity = engine.getIdentityService();
    User dave = identity.newUser("dave");
    dave.setPassword("demo");
    identity.saveUser(dave);
    return identity;
  }

  /** Wrong passwords, each after the previous lock has run out; then the right one. */
  private static boolean rightPasswordAfterWrongOnes(IdentityService identity, int wrong) {
    Date now = new Date();
    for (int i = 0; i < wrong; i++) {
      now = new Date(now.getTime() + 61_000);
      ClockUtil.setCurrentTime(now);
      assertThat(identity.checkPassword("dave", "wrong")).isFalse();
    }
    ClockUtil.setCurrentTime(new Date(now.getTime() + 61_000));
    return identity.checkPassword("dave", "demo");
  }

  @Test
  void withTheShippedSettingsWrongPasswordsNeverLockForGood() throws Exception {
    IdentityService identity = engine(shippedGenericProperties());
    assertThat(rightPasswordAfterWrongOnes(identity, 25)).isTrue();
  }

  @Test
  void withTheShippedSettingsAWrongPasswordStillLocksForAFewSeconds() throws Exception {
    IdentityService identity = engine(shippedGenericProperties());
    Date now = new Date();
    ClockUtil.setCurrentTime(now);
    assertThat(identity.checkPassword("dave", "wrong")).isFalse();
    assertThat(identity.checkPassword("dave", "demo")).as("within the 3 s lock").isFalse();
    ClockUtil.setCurrentTime(new Date(now.getTime() + 3_500));
    assertThat(identity.checkPassword("dave", "demo")).isTrue();
  }

  @Test
  void controlTheEngineDefaultLocksForGoodAfterTenWrongPasswords() {
    IdentityService identity = engine(Map.of());
    assertThat(rightPasswordAfterWrongOnes(identity, 10)).isFalse();
  }
}
