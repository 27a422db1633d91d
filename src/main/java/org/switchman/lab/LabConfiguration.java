package org.switchman.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.switchman.config.SwitchmanProperties;

/**
 * The {@code lab} profile: starts the lab with the application (on the demo endpoints unless
 * configured otherwise), stops it on shutdown, and secures the fault API under {@code
 * /lab/api/**} for engine administrators (group {@code camunda-admin}, HTTP Basic).
 *
 * <p>Settings: {@code switchman.lab.fleet-size} (0 = default demo fleet, 1000 for benchmarks),
 * {@code switchman.lab.discovery-ttl} (30s; 300s is prod-like), {@code switchman.lab.sections},
 * and, to run next to another lab, {@code switchman.lab.dir}, {@code
 * switchman.lab.loopback-network} and {@code switchman.lab.port-offset}.
 */
@Configuration(proxyBeanMethods = false)
@Profile("lab")
public class LabConfiguration {

  @Bean(destroyMethod = "close")
  Lab lab(SwitchmanProperties properties,
      @Value("${switchman.lab.fleet-size:0}") int fleetSize,
      @Value("${switchman.lab.discovery-ttl:30s}") Duration discoveryTtl,
      @Value("${switchman.lab.sections:}") List<String> sections,
      @Value("${switchman.lab.dir:}") String dir,
      @Value("${switchman.lab.loopback-network:}") String network,
      @Value("${switchman.lab.port-offset:0}") int portOffset) {
    LabConfig config = LabConfig.demo(properties.dataDir()).withFleetSize(fleetSize)
        .withDiscoveryTtl(discoveryTtl);
    if (!sections.isEmpty()) {
      config = config.withSections(sections);
    }
    if (!dir.isBlank() || !network.isBlank() || portOffset != 0) {
      config = config.relocated(dir.isBlank() ? config.labDir() : Path.of(dir),
          network.isBlank() ? config.loopbackNetwork() : network, portOffset);
    }
    return Lab.start(config);
  }

  @Bean
  @Order(0)
  SecurityFilterChain labApiSecurity(HttpSecurity http, AuthenticationProvider engineUsers)
      throws Exception {
    return http
        .securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/lab/api/**"))
        .authenticationProvider(engineUsers)
        .authorizeHttpRequests(requests -> requests.anyRequest()
            .hasAuthority("GROUP_camunda-admin"))
        .httpBasic(Customizer.withDefaults())
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        // HTTP Basic only, no cookies: nothing for CSRF to ride on
        .csrf(csrf -> csrf.disable())
        .build();
  }
}
