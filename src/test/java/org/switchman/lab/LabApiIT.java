package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.support.AppLabSlot;

/**
 * The {@code lab} profile: the application starts its lab, and the fault API is reachable by engine
 * administrators only. This lab is small and relocated (127.41/16 and demo ports + 6000, or the
 * next free slot), so it runs next to a demo and next to {@link LabExtension}'s lab.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "switchman.data-dir=./target/lab-api-it-data",
      "switchman.lab.dir=target/lab-api-it",
      "switchman.lab.sections=s1",
      "switchman.lab.fleet-size=46"
    })
@ActiveProfiles("lab")
class LabApiIT {

  /** A free loopback network and port offset (127.41+N, demo ports + 6000 + 200 N). */
  private static final AppLabSlot SLOT = AppLabSlot.firstFree(41, 6000, List.of("s1"));

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.registerLab(registry);
  }

  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort int port;

  @Autowired Lab lab;

  @Autowired org.switchman.runbook.port.Conftool conftool;

  @Autowired org.switchman.runbook.port.RemoteExecutor remote;

  @Autowired org.switchman.runbook.port.DnsDiscovery dns;

  @Autowired org.switchman.runbook.port.DbMasters masters;

  @Autowired org.switchman.runbook.port.RunbookLock locks;

  @Test
  void theAdaptersAreWiredToTheLab() {
    assertThat(conftool.masterDatacenter().value()).isEqualTo("eqiad");
    assertThat(
            remote
                .query("mw1001.eqiad.wmnet", "hostname -f", java.time.Duration.ofSeconds(10))
                .stdout()
                .strip())
        .isEqualTo("mw1001.eqiad.wmnet");
    assertThat(dns.read("appservers-rw").target()).isEqualTo("appservers-rw.svc.eqiad.wmnet.");
    assertThat(masters.isReadOnly("s1", "codfw")).isTrue();
    assertThat(masters.isReadOnly("s1", "eqiad")).isFalse();
    locks.acquire(
        "dc-switchover",
        "mediawiki",
        new org.switchman.runbook.port.RunbookLock.Holder(
            "run-wiring", "alice", java.time.Instant.now()),
        1,
        java.time.Duration.ofSeconds(10));
    try {
      assertThat(locks.holders("dc-switchover", "mediawiki")).hasSize(1);
    } finally {
      locks.release("dc-switchover", "mediawiki", "run-wiring");
    }
  }

  @Test
  void theProfileStartsTheLabOnItsConfiguredEndpoints() {
    assertThat(lab.isRunning()).isTrue();
    assertThat(lab.etcdEndpoint()).isEqualTo(SLOT.lab().etcdEndpoint());
    assertThat(lab.config().envFile()).exists();
    assertThat(
            Cli.etcdctl(
                    lab,
                    "get",
                    "--print-value-only",
                    "/conftool/v1/mediawiki-config/common/WMFMasterDatacenter")
                .out())
        .contains("eqiad");
  }

  @Test
  void onlyAdministratorsReachTheLabApi() throws Exception {
    assertThat(send("GET", "/lab/api/status", null, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/lab/api/status", "alice", null).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/lab/api/faults", "alice", "{\"kind\":\"ETCD_DOWN\"}").statusCode())
        .isEqualTo(403);
    assertThat(lab.faults().active()).isEmpty();
    HttpResponse<String> status = send("GET", "/lab/api/status", "admin", null);
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body())
        .contains("\"LAB_ETCD_ENDPOINTS\":\"" + SLOT.lab().etcdEndpoint() + "\"")
        .doesNotContain("PASSWORD")
        .doesNotContain(lab.mysqlAdminPassword());
  }

  @Test
  void faultsAreInjectedAndClearedOverRest() throws Exception {
    String host = "mw1001.eqiad.wmnet";
    HttpResponse<String> injected =
        send(
            "POST",
            "/lab/api/faults",
            "admin",
            "{\"kind\":\"RESTART_FAILS\",\"host\":\"" + host + "\",\"unit\":\"php-fpm\"}");
    assertThat(injected.statusCode()).as(injected.body()).isEqualTo(201);
    assertThat(injected.body()).contains("\"id\":\"fault-").contains("RESTART_FAILS");
    String id = injected.body().replaceAll(".*\"id\":\"(fault-\\d+)\".*", "$1");
    assertThat(send("GET", "/lab/api/faults", "admin", null).body()).contains(id);
    assertThat(Cli.ssh(lab, host, "systemctl restart php-fpm").exit()).isEqualTo(1);

    assertThat(send("DELETE", "/lab/api/faults/" + id, "admin", null).statusCode()).isEqualTo(204);
    assertThat(Cli.ssh(lab, host, "systemctl restart php-fpm").exit()).isZero();
    assertThat(send("DELETE", "/lab/api/faults/" + id, "admin", null).statusCode()).isEqualTo(404);
    assertThat(
            send(
                    "POST",
                    "/lab/api/faults",
                    "admin",
                    "{\"kind\":\"RESTART_SLOW\",\"host\":\"no.such.host\",\"unit\":\"x\",\"seconds\":1}")
                .statusCode())
        .isEqualTo(400);

    HttpResponse<String> unclean =
        send(
            "POST",
            "/lab/api/faults",
            "admin",
            "{\"kind\":\"BOOT_UNCLEAN\",\"host\":\"afs1001.eqiad.wmnet\",\"seconds\":60}");
    assertThat(unclean.statusCode()).as(unclean.body()).isEqualTo(201);
    assertThat(unclean.body()).contains("BOOT_UNCLEAN").contains("afs1001.eqiad.wmnet");
    String uncleanId = unclean.body().replaceAll(".*\"id\":\"(fault-\\d+)\".*", "$1");
    assertThat(send("DELETE", "/lab/api/faults/" + uncleanId, "admin", null).statusCode())
        .isEqualTo(204);
    HttpResponse<String> notAFileServer =
        send(
            "POST",
            "/lab/api/faults",
            "admin",
            "{\"kind\":\"BOOT_UNCLEAN\",\"host\":\"" + host + "\",\"seconds\":60}");
    assertThat(notAFileServer.statusCode()).isEqualTo(400);
    assertThat(notAFileServer.body()).contains("openafs-fileserver");
  }

  /**
   * The new faults over REST: a slow command with its prefix, a locked master that refuses a
   * conflicting fault, and one DELETE that clears them all. The etcd partition itself is proven
   * with etcdctl in {@link LabIT}; here it would leave the application's etcd client reconnecting
   * for the tests that follow.
   */
  @Test
  void slowCommandsAndLockedMastersOverRestAndClearingAllHealsThem() throws Exception {
    try {
      HttpResponse<String> slow =
          send(
              "POST",
              "/lab/api/faults",
              "admin",
              "{\"kind\":\"COMMAND_SLOW\",\"host\":\"mw1002.eqiad.wmnet\",\"seconds\":2,"
                  + "\"prefix\":\"hostname\"}");
      assertThat(slow.statusCode()).as(slow.body()).isEqualTo(201);
      assertThat(slow.body()).contains("mw1002.eqiad.wmnet hostname");
      assertThat(
              send(
                      "POST",
                      "/lab/api/faults",
                      "admin",
                      "{\"kind\":\"COMMAND_SLOW\",\"host\":\"mw1002.eqiad.wmnet\",\"seconds\":2}")
                  .statusCode())
          .as("no prefix")
          .isEqualTo(400);
      assertThat(Cli.ssh(lab, "mw1002.eqiad.wmnet", "hostname").took())
          .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(2));
      HttpResponse<String> locked =
          send(
              "POST",
              "/lab/api/faults",
              "admin",
              "{\"kind\":\"DB_LOCKED\",\"section\":\"s1\",\"dc\":\"codfw\"}");
      assertThat(locked.statusCode()).as(locked.body()).isEqualTo(201);
      HttpResponse<String> down =
          send(
              "POST",
              "/lab/api/faults",
              "admin",
              "{\"kind\":\"DB_MASTER_DOWN\",\"section\":\"s1\",\"dc\":\"codfw\"}");
      assertThat(down.statusCode()).isEqualTo(400);
      assertThat(down.body()).contains("s1 codfw already has fault DB_LOCKED");
    } finally {
      assertThat(send("DELETE", "/lab/api/faults", "admin", null).statusCode()).isEqualTo(204);
    }
    assertThat(lab.faults().active()).isEmpty();
    assertThat(Cli.ssh(lab, "mw1002.eqiad.wmnet", "hostname").took())
        .isLessThan(java.time.Duration.ofSeconds(2));
    Cli.Result readOnly =
        Cli.mysql(lab, "s1", "codfw", "SET SESSION lock_wait_timeout=2; SET GLOBAL read_only=1");
    assertThat(readOnly.exit()).as("the lock is released: " + readOnly.err()).isZero();
  }

  private HttpResponse<String> send(String method, String path, String user, String json)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    if (user != null) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":demo").getBytes(StandardCharsets.UTF_8)));
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
