package org.switchman.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Resolves the administrator credentials early, so that a missing setting stops the startup. */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

  @Bean
  AdminCredentials adminCredentials(SwitchmanProperties properties, Environment environment) {
    return AdminCredentials.resolve(properties, LabProfile.isActive(environment));
  }
}
