package org.switchman.process.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 503 when the engine's database did not answer a request, wherever that happened: also
 * before any resource ran, as when the engine REST API's HTTP Basic check read the user's password
 * ({@code ProcessEngineAuthenticationFilter}), which Camunda's exception mappers never see and
 * which would otherwise end as a bare 500. The answer has the same shape as the REST API's
 * refusals: {@code {"type":"EngineDatabaseUnavailable","message":…}}. Any other failure passes
 * through.
 */
class EngineDatabaseOutageFilter extends OncePerRequestFilter {

  private static final Logger LOG = LoggerFactory.getLogger(EngineDatabaseOutageFilter.class);
  private final ObjectMapper json = new ObjectMapper();

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } catch (ServletException | IOException | RuntimeException failure) {
      Throwable outage = RefusalAwareExceptionMappers.engineDatabaseOutage(failure);
      if (outage == null || response.isCommitted()) {
        throw failure;
      }
      LOG.warn(
          "{} {}: the engine's database did not answer: {}",
          request.getMethod(),
          request.getRequestURI(),
          outage.toString());
      response.resetBuffer();
      response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
      response.setContentType("application/json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      response
          .getOutputStream()
          .write(
              json.writeValueAsBytes(
                  Map.of(
                      "type",
                      RefusalAwareExceptionMappers.ENGINE_DATABASE_TYPE,
                      "message",
                      RefusalAwareExceptionMappers.engineDatabaseMessage(outage))));
    }
  }
}
