package org.switchman.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The requests an etcd member received since a reading, by gRPC method, from its {@code /metrics}
 * ({@code grpc_server_msg_received_total}: a call, or a message on a stream such as a lease's
 * keep-alive): what a run asked of the etcd that also holds conftool's state.
 *
 * @param metrics the member's metrics address, e.g. {@code http://127.0.0.1:2379/metrics}
 * @param received requests received by method at the reading
 */
record EtcdRequests(URI metrics, Map<String, Long> received) {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A reading now of the member at {@code endpoint} (its client address). */
  static EtcdRequests read(String endpoint) {
    URI metrics = URI.create(endpoint.replaceAll("/+$", "") + "/metrics");
    return new EtcdRequests(metrics, receivedNow(metrics));
  }

  /**
   * What was received since this reading, e.g. {@code etcd received 2,100 requests (Range 1,000,
   * …)}.
   */
  String receivedSince() {
    Map<String, Long> now = receivedNow(metrics);
    Map<String, Long> since = new TreeMap<>();
    now.forEach(
        (method, count) -> {
          long added = count - received.getOrDefault(method, 0L);
          if (added > 0) {
            since.put(method, added);
          }
        });
    long total = since.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder byMethod = new StringBuilder();
    since.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                byMethod
                    .append(byMethod.isEmpty() ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(String.format("%,d", e.getValue())));
    return String.format("etcd received %,d requests (%s)", total, byMethod);
  }

  /** Requests received by method, the lines of every service summed. */
  private static Map<String, Long> receivedNow(URI metrics) {
    String text;
    try {
      text =
          HTTP.send(
                  HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    } catch (IOException e) {
      throw new IllegalStateException("etcd's metrics at " + metrics + " did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading " + metrics, e);
    }
    Map<String, Long> received = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith("grpc_server_msg_received_total{")) {
        continue;
      }
      int method = line.indexOf("grpc_method=\"");
      if (method < 0) {
        continue;
      }
      int start = method + "grpc_method=\"".length();
      String name = line.substring(start, line.indexOf('"', start));
      long count = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      received.merge(name, count, Long::sum);
    }
    return received;
  }
}
