package org.switchman.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * HTTP/1.1 to the app from a chosen loopback address (127.0.0.2, 127.0.0.3, …), so that a test can
 * be several clients at once: the app sees each as its own remote address. Keeps cookies and the
 * last page's CSRF token, like a browser; follows no redirects.
 */
public final class LoopbackClient {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

  /** A response: status, headers (names in lower case) and body. */
  public record Reply(int status, Map<String, List<String>> headers, String body) {
    /** The first value of a header, or "" when it is missing. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? "" : values.get(0);
    }

    public List<String> headers(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
  }

  private final String source;
  private final int port;
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private String csrf;

  public LoopbackClient(String sourceAddress, int port) {
    this.source = sourceAddress;
    this.port = port;
  }

  public static String basic(String user, String password) {
    return "Authorization: Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public Reply get(String path, String... headers) {
    return send("GET", path, null, null, headers);
  }

  public Reply postJson(String path, String json, String... headers) {
    return send("POST", path, "application/json", json, headers);
  }

  /** A form POST; with the CSRF token of the last page read, when there was one. */
  public Reply postForm(String path, Map<String, String> fields, String... headers) {
    Map<String, String> all = new LinkedHashMap<>(fields);
    if (csrf != null && !all.containsKey("_csrf")) {
      all.put("_csrf", csrf);
    }
    return postFormAsIs(path, all, headers);
  }

  /** A form POST with exactly these fields. */
  public Reply postFormAsIs(String path, Map<String, String> fields, String... headers) {
    String body =
        fields.entrySet().stream()
            .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
            .collect(Collectors.joining("&"));
    return send("POST", path, "application/x-www-form-urlencoded", body, headers);
  }

  /** Reads the login page, then posts the login form. */
  public Reply formLogin(String user, String password) {
    get("/switchman/login");
    return postForm("/switchman/login", Map.of("username", user, "password", password));
  }

  public String cookie(String name) {
    return cookies.get(name);
  }

  private Reply send(
      String method, String path, String contentType, String body, String... headers) {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder request =
        new StringBuilder()
            .append(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: localhost:")
            .append(port)
            .append("\r\n")
            .append("Connection: close\r\n")
            .append("Accept: text/html,application/json,*/*;q=0.8\r\n");
    if (!cookies.isEmpty()) {
      request
          .append("Cookie: ")
          .append(
              cookies.entrySet().stream()
                  .map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                  .collect(Collectors.joining("; ")))
          .append("\r\n");
    }
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    if (contentType != null) {
      request.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (body != null) {
      request.append("Content-Length: ").append(content.length).append("\r\n");
    }
    request.append("\r\n");
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      Reply reply = parse(socket.getInputStream().readAllBytes());
      for (String setCookie : reply.headers("set-cookie")) {
        String pair = setCookie.split(";", 2)[0];
        int equals = pair.indexOf('=');
        if (equals > 0) {
          cookies.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
        }
      }
      Matcher token = CSRF.matcher(reply.body());
      if (token.find()) {
        csrf = token.group(1);
      }
      return reply;
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " from " + source, e);
    }
  }

  private static Reply parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no HTTP response: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(
              lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
              name -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).strip());
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
    if (encoding.stream().anyMatch(value -> value.equalsIgnoreCase("chunked"))) {
      body = dechunk(new java.io.ByteArrayInputStream(body));
    }
    return new Reply(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      StringBuilder size = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          size.append((char) c);
        }
      }
      String hex = size.toString().split(";", 2)[0].strip();
      if (hex.isEmpty()) {
        return out.toByteArray();
      }
      int length = Integer.parseInt(hex, 16);
      if (length == 0) {
        return out.toByteArray();
      }
      out.write(in.readNBytes(length));
      in.read();
      in.read();
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
