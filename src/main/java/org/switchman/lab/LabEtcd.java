package org.switchman.lab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** etcd with the conftool data of the lab, on the v3 API. */
final class LabEtcd {

  private final LabConfig config;
  private final LabTopology topology;
  private final ChildProcesses processes;
  private final Path dir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile ChildProcesses.Child child;

  LabEtcd(LabConfig config, LabTopology topology, ChildProcesses processes) {
    this.config = config;
    this.topology = topology;
    this.processes = processes;
    this.dir = config.runDir().resolve("etcd");
  }

  /** Starts etcd, waits for /health and seeds the conftool data. */
  void start() throws IOException {
    Files.createDirectories(dir);
    launch();
    seed();
  }

  /** Starts the etcd process on the existing data directory and waits until it is healthy. */
  void launch() {
    String client = "http://127.0.0.1:" + config.etcdPort();
    String peer = "http://127.0.0.1:" + config.etcdPeerPort();
    child = processes.start("etcd", List.of(RequiredPrograms.path("etcd"),
        "--name", "lab",
        "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", client,
        "--advertise-client-urls", client,
        "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "lab=" + peer,
        "--log-level", "warn",
        "--logger", "zap"), dir.resolve("etcd.log"), Map.of());
    Readiness.await("etcd /health", Duration.ofSeconds(20), child, dir.resolve("etcd.log"),
        this::healthy);
  }

  /** Stops etcd (TERM), keeping its data. */
  void halt() {
    ChildProcesses.Child c = child;
    if (c != null) {
      processes.stop(c, Duration.ofSeconds(5));
      child = null;
    }
  }

  boolean running() {
    ChildProcesses.Child c = child;
    return c != null && c.alive();
  }

  boolean healthy() {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create(config.etcdEndpoint() + "/health")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().contains("\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The conftool keys and JSON values the lab starts with. */
  Map<String, String> initialData() {
    Map<String, String> data = new LinkedHashMap<>();
    for (LabTopology.Host host : topology.hosts()) {
      for (String service : host.services()) {
        data.put(host.conftoolKey(service),
            "{\"pooled\":\"" + host.pooled() + "\",\"weight\":" + host.weight() + "}");
      }
    }
    int ttl = (int) config.discoveryTtl().toSeconds();
    for (String service : LabTopology.discoveryServices()) {
      for (String dc : LabTopology.DATACENTERS) {
        boolean pooled = LabTopology.isActiveActive(service) || dc.equals(LabTopology.PRIMARY_DC);
        data.put("/conftool/v1/discovery/" + service + "/" + dc,
            "{\"pooled\":" + pooled + ",\"references\":[],\"ttl\":" + ttl + "}");
      }
    }
    data.put("/conftool/v1/mediawiki-config/common/WMFMasterDatacenter",
        "{\"val\":\"" + LabTopology.PRIMARY_DC + "\"}");
    for (String dc : LabTopology.DATACENTERS) {
      data.put("/conftool/v1/mediawiki-config/" + dc + "/ReadOnly", "{\"val\":false}");
      data.put("/conftool/v1/mediawiki-config/" + dc + "/WMFMasterDatacenter",
          "{\"val\":\"" + LabTopology.PRIMARY_DC + "\"}");
    }
    return data;
  }

  private void seed() {
    List<Map.Entry<String, String>> entries = new ArrayList<>(initialData().entrySet());
    int batch = 100; // etcd's default --max-txn-ops is 128
    for (int from = 0; from < entries.size(); from += batch) {
      StringBuilder body = new StringBuilder("{\"success\":[");
      List<Map.Entry<String, String>> slice =
          entries.subList(from, Math.min(entries.size(), from + batch));
      for (int i = 0; i < slice.size(); i++) {
        if (i > 0) {
          body.append(',');
        }
        body.append("{\"request_put\":{\"key\":\"").append(b64(slice.get(i).getKey()))
            .append("\",\"value\":\"").append(b64(slice.get(i).getValue())).append("\"}}");
      }
      body.append("]}");
      post("/v3/kv/txn", body.toString());
    }
  }

  /** Writes one key (v3 JSON gateway). */
  void put(String key, String value) {
    post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
  }

  private void post(String path, String body) {
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create(config.etcdEndpoint() + path))
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new LabException("etcd " + path + " answered " + response.statusCode() + ": "
            + response.body());
      }
    } catch (IOException e) {
      throw new LabException("etcd " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
