package org.switchman.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser-like HTTP session against Switchman's pages: a cookie jar, the login form, and the CSRF
 * token of the last page read. Redirects are not followed, so tests see them.
 */
public final class WebSession {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

  private final String baseUrl;
  private final HttpClient client;
  private String csrf;

  public WebSession(int port) {
    this.baseUrl = "http://localhost:" + port;
    this.client =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** Logs in through the login form; the session then carries the user. */
  public WebSession login(String user, String password) {
    get("/switchman/login");
    Rest.Reply reply = postForm("/switchman/login", Map.of("username", user, "password", password));
    if (reply.status() != 302 || reply.location().contains("error")) {
      throw new AssertionError(
          "login of " + user + " failed: " + reply.status() + " " + reply.location());
    }
    return this;
  }

  public Rest.Reply get(String path) {
    Rest.Reply reply = send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    Matcher token = CSRF.matcher(reply.body());
    if (token.find()) {
      csrf = token.group(1);
    }
    return reply;
  }

  /** POSTs a form with the CSRF token of the last page read. */
  public Rest.Reply postForm(String path, Map<String, String> fields) {
    return postForm(path, fields, true);
  }

  public Rest.Reply postForm(String path, Map<String, String> fields, boolean withCsrf) {
    String body =
        fields.entrySet().stream()
            .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
            .collect(Collectors.joining("&"));
    if (withCsrf && csrf != null) {
      body = (body.isEmpty() ? "" : body + "&") + "_csrf=" + encode(csrf);
    }
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** POSTs JSON with the CSRF token of the last page read in the {@code X-CSRF-TOKEN} header. */
  public Rest.Reply postJson(String path, String json) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (csrf != null) {
      builder.header("X-CSRF-TOKEN", csrf);
    }
    return send(builder);
  }

  private Rest.Reply send(HttpRequest.Builder builder) {
    try {
      if (!builder.build().headers().firstValue("Content-Type").orElse("").contains("json")) {
        builder.header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
      }
      HttpResponse<String> response =
          client.send(
              builder.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Rest.Reply(
          response.statusCode(),
          response.body(),
          response.headers().firstValue("Location").orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
