package org.switchman.support;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A Tasklist session as the browser holds one: logged in through the webapps' login, with the
 * session cookie and the {@code X-XSRF-TOKEN} header the webapps' CSRF filter asks for. Calls go to
 * the webapps' own engine API, {@code /camunda/api/engine/engine/default/...}, which Tasklist and
 * Cockpit use instead of {@code /engine-rest}.
 */
public final class WebappSession {

  private static final String ENGINE_API = "/camunda/api/engine/engine/default";

  private final String baseUrl;
  private final CookieManager cookies = new CookieManager();
  private final HttpClient client;

  private WebappSession(int port) {
    this.baseUrl = "http://localhost:" + port;
    this.client =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** Logs in to Tasklist as the user; fails the test when the login is refused. */
  public static WebappSession login(int port, String user, String password) {
    WebappSession session = new WebappSession(port);
    session.send(
        HttpRequest.newBuilder(URI.create(session.baseUrl + "/camunda/app/tasklist/default/"))
            .GET());
    String form =
        "username="
            + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    Rest.Reply reply =
        session.send(
            session
                .withXsrf(
                    HttpRequest.newBuilder(
                        URI.create(
                            session.baseUrl
                                + "/camunda/api/admin/auth/user/default/login/tasklist")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    if (reply.status() != 200) {
      throw new AssertionError(
          "webapp login of " + user + " failed: " + reply.status() + " " + reply.body());
    }
    // the login starts a new session; its CSRF token comes with the next read
    session.send(
        HttpRequest.newBuilder(URI.create(session.baseUrl + "/camunda/api/admin/auth/user/default"))
            .GET());
    return session;
  }

  /** GET on the webapps' engine API, e.g. {@code /task?processInstanceId=…}. */
  public Rest.Reply get(String enginePath) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + ENGINE_API + enginePath)).GET());
  }

  /** POST of JSON on the webapps' engine API, with the session's XSRF token. */
  public Rest.Reply post(String enginePath, String json) {
    return send(
        withXsrf(HttpRequest.newBuilder(URI.create(baseUrl + ENGINE_API + enginePath)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** DELETE on the webapps' engine API, with the session's XSRF token (Cockpit's "cancel"). */
  public Rest.Reply delete(String enginePath) {
    return send(
        withXsrf(HttpRequest.newBuilder(URI.create(baseUrl + ENGINE_API + enginePath))).DELETE());
  }

  /**
   * PUT of JSON on the webapps' engine API, with the session's XSRF token (Cockpit's "suspend").
   */
  public Rest.Reply put(String enginePath, String json) {
    return send(
        withXsrf(HttpRequest.newBuilder(URI.create(baseUrl + ENGINE_API + enginePath)))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpRequest.Builder withXsrf(HttpRequest.Builder builder) {
    for (HttpCookie cookie : cookies.getCookieStore().getCookies()) {
      if (cookie.getName().equals("XSRF-TOKEN")) {
        builder.header("X-XSRF-TOKEN", cookie.getValue());
      }
    }
    return builder;
  }

  private Rest.Reply send(HttpRequest.Builder builder) {
    return Rest.send(client, builder.timeout(Duration.ofSeconds(30)));
  }
}
