package org.switchman.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** A small HTTP client for tests: one user's Basic credentials against the running app. */
public final class Rest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A response: status code, body, and the {@code Location} header of a redirect ("" if none). */
  public record Reply(int status, String body, String location) {
    public Reply(int status, String body) {
      this(status, body, "");
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
      }
    }
  }

  private final String baseUrl;
  private final String user;
  private final String password;

  private Rest(String baseUrl, String user, String password) {
    this.baseUrl = baseUrl;
    this.user = user;
    this.password = password;
  }

  /**
   * The body of a task completion (REST {@code complete} or Tasklist's {@code submit-form}) that
   * says GO, with a comment.
   */
  public static String go(String comment) {
    try {
      return JSON.writeValueAsString(
          Map.of(
              "variables",
              Map.of("decision", Map.of("value", "GO"), "comment", Map.of("value", comment))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The body of an engine start or completion with these variables: {@code {"variables": {name:
   * {"value": value}, …}}}.
   */
  public static String variables(Map<String, Object> values) {
    com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode();
    body.set("variables", typed(values));
    return body.toString();
  }

  /** The values as the engine's REST API types them: {@code {"name": {"value": …}, …}}. */
  public static String values(Map<String, Object> values) {
    return typed(values).toString();
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode typed(Map<String, Object> values) {
    com.fasterxml.jackson.databind.node.ObjectNode variables = JSON.createObjectNode();
    values.forEach(
        (name, value) -> variables.putObject(name).set("value", JSON.valueToTree(value)));
    return variables;
  }

  public static Rest as(int port, String user, String password) {
    return new Rest("http://localhost:" + port, user, password);
  }

  public static Rest anonymous(int port) {
    return new Rest("http://localhost:" + port, null, null);
  }

  public Reply get(String path) {
    return send(request(path).GET());
  }

  public Reply delete(String path) {
    return send(request(path).DELETE());
  }

  public Reply post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Reply put(String path) {
    return send(request(path).PUT(HttpRequest.BodyPublishers.noBody()));
  }

  public Reply put(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /**
   * A {@code multipart/form-data} POST, as {@code curl -F} sends it: each part a form field, a part
   * whose value is a {@link java.nio.file.Path} sent as that file.
   */
  public Reply postMultipart(String path, java.util.Map<String, Object> parts) {
    String boundary = "switchman-" + java.util.UUID.randomUUID();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    try {
      for (var part : parts.entrySet()) {
        body.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
        if (part.getValue() instanceof java.nio.file.Path file) {
          body.writeBytes(
              ("Content-Disposition: form-data; name=\""
                      + part.getKey()
                      + "\"; filename=\""
                      + file.getFileName()
                      + "\"\r\n"
                      + "Content-Type: application/octet-stream\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
          body.writeBytes(java.nio.file.Files.readAllBytes(file));
        } else {
          body.writeBytes(
              ("Content-Disposition: form-data; name=\""
                      + part.getKey()
                      + "\"\r\n\r\n"
                      + part.getValue())
                  .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return send(
        request(path)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    if (user != null) {
      String token =
          Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      builder.header("Authorization", "Basic " + token);
    }
    return builder;
  }

  private static Reply send(HttpRequest.Builder builder) {
    return send(CLIENT, builder);
  }

  /** Sends a request with a client of the caller's (a session's cookie jar), as a {@link Reply}. */
  public static Reply send(HttpClient client, HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response =
          client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(
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
}
