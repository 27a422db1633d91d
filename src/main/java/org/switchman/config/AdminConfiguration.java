package org.switchman.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Resolves the administrator credentials early, so that a missing setting stops the startup. */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

  @Bean
  AdminCredentials adminCredentials(SwitchmanProperties properties) {
    return AdminCredentials.resolve(properties);
  }
}
