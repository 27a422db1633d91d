package org.switchman.web.login;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts {@link LoginThrottle} in front of every way to present a password:
 *
 * <ul>
 *   <li>HTTP Basic on {@code /engine-rest}, {@code /switchman} (pages and API), {@code /actuator}
 *       and {@code /lab/api}: failed when the answer is 401;
 *   <li>the login form, {@code POST /switchman/login}: failed when it sends back to {@code
 *       /switchman/login?error};
 *   <li>the webapps' login, {@code POST /camunda/api/admin/auth/user/{engine}/login/{app}}: failed
 *       when the answer is 401 (which the webapps also give a right password for an app the user
 *       may not use).
 * </ul>
 *
 * <p>While an address is throttled, those requests get {@code 429 Too Many Requests} with {@code
 * Retry-After} and a message, and never reach a password check; its other requests (a session
 * already logged in, health) pass. The client address is the servlet's remote address: behind a
 * proxy, set {@code server.forward-headers-strategy} so that it is the client's, not the proxy's.
 */
public class LoginThrottleFilter extends OncePerRequestFilter {

  private static final List<String> BASIC_PATHS =
      List.of("/engine-rest/", "/switchman", "/actuator/", "/lab/api/");
  private static final String FORM_LOGIN = "/switchman/login";
  private static final Pattern WEBAPP_LOGIN =
      Pattern.compile("/camunda/api/admin/auth/user/[^/]+/login/[^/]+");

  private enum Attempt {
    BASIC,
    FORM,
    WEBAPP
  }

  private final LoginThrottle throttle;

  public LoginThrottleFilter(LoginThrottle throttle) {
    this.throttle = throttle;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Attempt attempt = attemptOf(request);
    if (attempt == null) {
      chain.doFilter(request, response);
      return;
    }
    String address = request.getRemoteAddr();
    Optional<Duration> refused = throttle.refusedFor(address);
    if (refused.isPresent()) {
      refuse(response, attempt, address, refused.get());
      return;
    }
    chain.doFilter(request, response);
    if (failed(attempt, response)) {
      throttle.failed(address, userOf(attempt, request));
    }
  }

  private static Attempt attemptOf(HttpServletRequest request) {
    String path =
        request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    boolean post = "POST".equalsIgnoreCase(request.getMethod());
    if (post && FORM_LOGIN.equals(path)) {
      return Attempt.FORM;
    }
    if (post && WEBAPP_LOGIN.matcher(path).matches()) {
      return Attempt.WEBAPP;
    }
    if (basicCredentials(request) != null && BASIC_PATHS.stream().anyMatch(path::startsWith)) {
      return Attempt.BASIC;
    }
    return null;
  }

  private static boolean failed(Attempt attempt, HttpServletResponse response) {
    if (attempt == Attempt.FORM) {
      String location = response.getHeader(HttpHeaders.LOCATION);
      return response.getStatus() == HttpStatus.UNAUTHORIZED.value()
          || (location != null && location.contains(FORM_LOGIN + "?error"));
    }
    return response.getStatus() == HttpStatus.UNAUTHORIZED.value();
  }

  /** The user id tried; the webapps' login is not read, its body belongs to the webapps. */
  private static String userOf(Attempt attempt, HttpServletRequest request) {
    return switch (attempt) {
      case FORM -> request.getParameter("username");
      case BASIC -> {
        String credentials = basicCredentials(request);
        try {
          String decoded =
              new String(Base64.getDecoder().decode(credentials.strip()), StandardCharsets.UTF_8);
          int colon = decoded.indexOf(':');
          yield colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException notBase64) {
          yield null;
        }
      }
      case WEBAPP -> null;
    };
  }

  /** The part after {@code Basic } of the Authorization header, or {@code null}. */
  static String basicCredentials(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    return header.substring(6);
  }

  private static void refuse(
      HttpServletResponse response, Attempt attempt, String address, Duration wait)
      throws IOException {
    long seconds = LoginThrottle.seconds(wait);
    String message =
        "Too many failed logins from "
            + address
            + ": logins from this address are refused for another "
            + seconds
            + " s";
    response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
    response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    if (attempt == Attempt.FORM) {
      response.setContentType("text/plain;charset=UTF-8");
      response.getWriter().write(message + ".\n");
    } else {
      response.setContentType("application/json");
      response
          .getWriter()
          .write(
              "{\"type\":\"LoginThrottled\",\"message\":\""
                  + message.replace("\\", "\\\\").replace("\"", "\\\"")
                  + "\"}");
    }
  }
}
