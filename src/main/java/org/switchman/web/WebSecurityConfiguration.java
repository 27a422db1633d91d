package org.switchman.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.switchman.process.security.AccessModel;

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
    return http.securityMatcher(EndpointRequest.toAnyEndpoint())
        .authenticationProvider(engineUsers)
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(EndpointRequest.to(HealthEndpoint.class))
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .httpBasic(Customizer.withDefaults())
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable())
        .build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain camundaSecurity(HttpSecurity http) throws Exception {
    return http.securityMatcher(paths("/engine-rest/**", "/camunda/**", "/", "/error"))
        .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
        // the webapps carry their own CSRF protection; REST clients authenticate per request
        .csrf(csrf -> csrf.disable())
        .headers(headers -> headers.frameOptions(frame -> frame.sameOrigin()))
        .build();
  }

  private static RequestMatcher paths(String... patterns) {
    PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
    return new OrRequestMatcher(
        Arrays.stream(patterns).map(builder::matcher).map(RequestMatcher.class::cast).toList());
  }

  /** Who may read the audit pages; everyone else who logs in gets 403. */
  static final String[] READERS = {
    "GROUP_" + AccessModel.OPERATORS,
    "GROUP_" + AccessModel.APPROVERS,
    "GROUP_" + AccessModel.AUDITORS,
    "GROUP_" + AccessModel.ADMINS
  };

  /**
   * Switchman's own pages under {@code /switchman}: a form login against the engine's users (the
   * same as Tasklist), a session with CSRF protection, and HTTP Basic for scripts calling {@code
   * /switchman/api}. Reading needs one of {@link #READERS}; the changes these pages make, forcing a
   * lock's release and undoing a login lockout, need {@code camunda-admin}. Anonymous page requests
   * are sent to the login page, anonymous API requests get 401.
   */
  @Bean
  @Order(3)
  SecurityFilterChain switchmanPages(HttpSecurity http, AuthenticationProvider engineUsers)
      throws Exception {
    PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
    RequestMatcher api = path.matcher("/switchman/api/**");
    LinkedHashMap<RequestMatcher, AuthenticationEntryPoint> entryPoints = new LinkedHashMap<>();
    entryPoints.put(api, new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED));
    DelegatingAuthenticationEntryPoint entryPoint =
        new DelegatingAuthenticationEntryPoint(entryPoints);
    entryPoint.setDefaultEntryPoint(new LoginUrlAuthenticationEntryPoint("/switchman/login"));
    return http.securityMatcher(paths("/switchman", "/switchman/**"))
        .authenticationProvider(engineUsers)
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(
                        path.matcher("/switchman/login"), path.matcher("/switchman/assets/**"))
                    .permitAll()
                    .requestMatchers(
                        path.matcher(HttpMethod.POST, "/switchman/locks/release"),
                        path.matcher(HttpMethod.POST, "/switchman/api/locks/release"),
                        path.matcher(HttpMethod.POST, "/switchman/api/logins/unlock"))
                    .hasAuthority("GROUP_" + AccessModel.ADMINS)
                    .requestMatchers(path.matcher(HttpMethod.POST, "/switchman/logout"))
                    .authenticated()
                    .requestMatchers(
                        path.matcher(HttpMethod.GET, "/switchman/**"),
                        path.matcher(HttpMethod.GET, "/switchman"))
                    .hasAnyAuthority(READERS)
                    .anyRequest()
                    .denyAll())
        .formLogin(
            form ->
                form.loginPage("/switchman/login")
                    .defaultSuccessUrl("/switchman/runs")
                    .failureUrl("/switchman/login?error")
                    .permitAll())
        .logout(
            logout ->
                logout.logoutUrl("/switchman/logout").logoutSuccessUrl("/switchman/login?logout"))
        .httpBasic(basic -> basic.realmName("Switchman"))
        .exceptionHandling(
            errors ->
                errors
                    .authenticationEntryPoint(entryPoint)
                    .accessDeniedHandler(anonymousToLogin(entryPoint)))
        // a script authenticating each request with HTTP Basic carries no ambient credential;
        // any other Authorization header next to a session cookie still needs the token
        .csrf(csrf -> csrf.ignoringRequestMatchers(WebSecurityConfiguration::basicAuthorization))
        .headers(
            headers ->
                headers
                    .frameOptions(frame -> frame.deny())
                    .contentSecurityPolicy(
                        csp ->
                            csp.policyDirectives(
                                "default-src 'self'; script-src 'self';"
                                    + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:;"
                                    + " frame-ancestors 'none'; form-action 'self'")))
        .build();
  }

  /** Whether the request authenticates itself with HTTP Basic. */
  static boolean basicAuthorization(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    return header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
  }

  /**
   * A refusal of someone not logged in (a POST without a session's CSRF token, say) asks them to
   * log in, as any other anonymous request; a logged-in user gets 403.
   */
  private static AccessDeniedHandler anonymousToLogin(AuthenticationEntryPoint entryPoint) {
    AccessDeniedHandler forbidden = new AccessDeniedHandlerImpl();
    return (request, response, denied) -> {
      Authentication user = SecurityContextHolder.getContext().getAuthentication();
      if (user == null || user instanceof AnonymousAuthenticationToken) {
        entryPoint.commence(
            request, response, new InsufficientAuthenticationException(denied.getMessage()));
      } else {
        forbidden.handle(request, response, denied);
      }
    };
  }

  @Bean
  @Order(4)
  SecurityFilterChain denyEverythingElse(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(requests -> requests.anyRequest().denyAll()).build();
  }
}
