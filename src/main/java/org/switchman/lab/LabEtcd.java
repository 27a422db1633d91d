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

/**
 * etcd with the conftool data of the lab, on the v3 API.
 *
 * <p>Clients reach etcd through a {@link LabTcpProxy} on the lab's etcd port, open while etcd runs
 * (so a stopped etcd refuses connections); etcd itself listens on a free port of 127.0.0.1 picked
 * at each launch. The proxy is what {@link LabFault.Kind#ETCD_PARTITION} cuts: etcd keeps running
 * and keeps its clock, so a lease whose keep-alives cannot get through expires as it would behind a
 * real partition. (Freezing etcd with SIGSTOP, {@link LabFault.Kind#ETCD_PAUSED}, stops its clock
 * too: its leases outlive the freeze.)
 */
final class LabEtcd {

  private final LabConfig config;
  private final LabTopology topology;
  private final ChildProcesses processes;
  private final Path dir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile ChildProcesses.Child child;
  private volatile LabTcpProxy proxy;
  private volatile int backendPort;

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
    backendPort = freePort();
    String listen = backendEndpoint();
    String client = config.etcdEndpoint();
    String peer = "http://127.0.0.1:" + config.etcdPeerPort();
    child =
        processes.start(
            "etcd",
            List.of(
                RequiredPrograms.path("etcd"),
                "--name",
                "lab",
                "--data-dir",
                dir.resolve("data").toString(),
                "--listen-client-urls",
                listen,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "lab=" + peer,
                "--log-level",
                "warn",
                "--logger",
                "zap"),
            dir.resolve("etcd.log"),
            Map.of());
    Readiness.await(
        "etcd /health", Duration.ofSeconds(20), child, dir.resolve("etcd.log"), this::healthy);
    proxy = new LabTcpProxy("etcd", config.etcdPort(), () -> backendPort);
  }

  private String backendEndpoint() {
    return "http://127.0.0.1:" + backendPort;
  }

  private static int freePort() {
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new LabException("no free port for etcd: " + e.getMessage(), e);
    }
  }

  /** Cuts clients off etcd (or lets them through again); etcd keeps running. */
  void partition(boolean on) {
    LabTcpProxy p = proxy;
    if (p == null) {
      throw new IllegalArgumentException("etcd is down");
    }
    p.partition(on);
  }

  /** Freezes etcd (SIGSTOP) or lets it go on (SIGCONT). */
  void pause(boolean on) {
    ChildProcesses.Child c = child;
    if (c == null) {
      throw new IllegalArgumentException("etcd is down");
    }
    processes.signal(c, on ? "STOP" : "CONT");
  }

  /** Stops listening for clients, who are refused from then on; called when the lab stops. */
  void closeProxy() {
    LabTcpProxy p = proxy;
    proxy = null;
    if (p != null) {
      p.close();
    }
  }

  /** Stops etcd (TERM), keeping its data; clients are refused until {@link #launch()}. */
  void halt() {
    closeProxy();
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
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(backendEndpoint() + "/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
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
        data.put(
            host.conftoolKey(service),
            "{\"pooled\":\"" + host.pooled() + "\",\"weight\":" + host.weight() + "}");
      }
    }
    int ttl = (int) config.discoveryTtl().toSeconds();
    for (String service : LabTopology.discoveryServices()) {
      for (String dc : LabTopology.DATACENTERS) {
        boolean pooled = LabTopology.isActiveActive(service) || dc.equals(LabTopology.PRIMARY_DC);
        data.put(
            "/conftool/v1/discovery/" + service + "/" + dc,
            "{\"pooled\":" + pooled + ",\"references\":[],\"ttl\":" + ttl + "}");
      }
    }
    data.put(
        "/conftool/v1/mediawiki-config/common/WMFMasterDatacenter",
        "{\"val\":\"" + LabTopology.PRIMARY_DC + "\"}");
    for (String dc : LabTopology.DATACENTERS) {
      data.put("/conftool/v1/mediawiki-config/" + dc + "/ReadOnly", "{\"val\":false}");
      data.put(
          "/conftool/v1/mediawiki-config/" + dc + "/WMFMasterDatacenter",
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
        body.append("{\"request_put\":{\"key\":\"")
            .append(b64(slice.get(i).getKey()))
            .append("\",\"value\":\"")
            .append(b64(slice.get(i).getValue()))
            .append("\"}}");
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
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(backendEndpoint() + path))
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new LabException(
            "etcd " + path + " answered " + response.statusCode() + ": " + response.body());
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
