package org.switchman.config;

import java.util.Arrays;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * HTTP security for what Camunda does not protect itself.
 *
 * <ul>
 *   <li>Actuator: {@code health} is open (load balancers probe it); every other endpoint, such as
 *       {@code prometheus}, needs HTTP Basic with an engine user.
 *   <li>{@code /engine-rest/**} is authenticated by the engine's own filter (HTTP Basic, engine
 *       authorizations); {@code /camunda/**} by the webapps' session login and CSRF filter.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class WebSecurityConfiguration {

  @Bean
  @Order(1)
  SecurityFilterChain actuatorSecurity(HttpSecurity http, AuthenticationProvider engineUsers)
      throws Exception {
    return http
        .securityMatcher(EndpointRequest.toAnyEndpoint())
        .authenticationProvider(engineUsers)
        .authorizeHttpRequests(requests -> requests
            .requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
            .anyRequest().authenticated())
        .httpBasic(Customizer.withDefaults())
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable())
        .build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain camundaSecurity(HttpSecurity http) throws Exception {
    return http
        .securityMatcher(paths("/engine-rest/**", "/camunda/**", "/", "/error"))
        .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
        // the webapps carry their own CSRF protection; REST clients authenticate per request
        .csrf(csrf -> csrf.disable())
        .headers(headers -> headers.frameOptions(frame -> frame.sameOrigin()))
        .build();
  }

  private static RequestMatcher paths(String... patterns) {
    PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
    return new OrRequestMatcher(Arrays.stream(patterns).map(builder::matcher)
        .map(RequestMatcher.class::cast).toList());
  }

  @Bean
  @Order(3)
  SecurityFilterChain denyEverythingElse(HttpSecurity http) throws Exception {
    return http
        .authorizeHttpRequests(requests -> requests.anyRequest().denyAll())
        .build();
  }
}
