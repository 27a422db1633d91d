package org.switchman.process.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.switchman.process.tasks.LateCompletions;
import org.switchman.process.tasks.TaskNoLongerOpenException;

/**
 * Gives the webapps' own API ({@code /camunda/api/engine/...}, which Tasklist uses) the same answer
 * as {@code /engine-rest} for a task completion that lost the race: 409 with {@code
 * {"type":"TaskNoLongerOpen","message":…}}. The webapps' task resource wraps every engine exception
 * of a completion into a 500 with Camunda's own exception mappers, which Switchman cannot replace
 * there; so for completions only, this filter holds the answer back and, when {@link
 * LateCompletions} refused the completion on this request's thread, answers with its explanation
 * instead ({@link TaskNoLongerOpenException}).
 */
class WebappLateCompletionFilter extends OncePerRequestFilter {

  private static final Pattern COMPLETION =
      Pattern.compile(".*/task/[^/]+/(complete|submit-form)$");
  private final ObjectMapper json = new ObjectMapper();

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equals(request.getMethod())
        || !COMPLETION.matcher(request.getRequestURI()).matches();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    LateCompletions.takeLastOnThisThread();
    ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response);
    String late;
    try {
      chain.doFilter(request, held);
    } finally {
      late = LateCompletions.takeLastOnThisThread();
    }
    if (late != null && held.getStatus() >= 500) {
      held.resetBuffer();
      held.setStatus(HttpServletResponse.SC_CONFLICT);
      held.setContentType("application/json");
      held.setCharacterEncoding(StandardCharsets.UTF_8.name());
      held.getOutputStream()
          .write(json.writeValueAsBytes(Map.of("type", "TaskNoLongerOpen", "message", late)));
    }
    held.copyBodyToResponse();
  }
}
