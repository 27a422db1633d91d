package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.lab.Cli;
import org.switchman.lab.Lab;
import org.switchman.support.AppLabSlot;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * An administrator's cancel with {@code skipCustomListeners} cannot leave the runbook lock held in
 * etcd: the release is built into the engine, not a listener of the diagram. Checked with etcdctl
 * against a small lab (one section), relocated to its own loopback network and ports (127.90+N,
 * demo ports + 9200 + 200 N).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"switchman.lab.dir=target/cancel-lock-it-lab", "switchman.lab.fleet-size=46"})
@ActiveProfiles("lab")
class CancelReleasesEtcdLockIT {

  private static final AppLabSlot SLOT = AppLabSlot.firstFree(90, 9200, List.of("s1"));
  private static final String LOCK = "/switchman/locks/dc-switchover/mediawiki/";

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.register(registry, "cancel-lock");
  }

  @LocalServerPort int port;
  @Autowired Lab lab;

  @Test
  void aCancelWithoutListenersReleasesTheLockInEtcd() {
    SwitchoverRuns runs = new SwitchoverRuns(port);
    Rest admin = Rest.as(port, "admin", "demo");
    for (String query :
        List.of("?skipCustomListeners=true", "?skipCustomListeners=true&skipIoMappings=true")) {
      String run = runs.start("eqiad", "codfw", "dry-run");
      assertThat(lockKeys()).as("the lock of run %s in etcd", run).contains(run);
      assertThat(runs.tryStart("eqiad", "codfw", "dry-run").status()).isEqualTo(409);

      Rest.Reply refused =
          Rest.as(port, "alice", "demo").delete("/engine-rest/process-instance/" + run);
      assertThat(refused.status()).as(refused.body()).isEqualTo(403);
      cancel(admin, run, query);

      SwitchoverRuns.await(
          () -> !lockKeys().contains(run),
          Duration.ofSeconds(10),
          () -> "the lock of run " + run + " to leave etcd: " + lockKeys());
      assertThat(runs.history(run).path("state").asText()).isEqualTo("EXTERNALLY_TERMINATED");
    }
    // free for the next run
    String next = runs.start("eqiad", "codfw", "dry-run");
    cancel(admin, next, "");
  }

  /**
   * An administrator's cancel, answered 204. One that collides with a step of the run is refused
   * with 409 and does nothing; the administrator repeats it.
   */
  private static void cancel(Rest admin, String run, String query) {
    Rest.Reply cancelled = admin.delete("/engine-rest/process-instance/" + run + query);
    for (int attempt = 1; cancelled.status() == 409 && attempt < 5; attempt++) {
      assertThat(cancelled.json().path("type").asText()).isEqualTo("ConcurrentChange");
      cancelled = admin.delete("/engine-rest/process-instance/" + run + query);
    }
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(204);
  }

  /** Keys and values under the dc-switchover lock, as etcdctl prints them. */
  private String lockKeys() {
    Cli.Result result = Cli.etcdctl(lab, "get", "--prefix", LOCK);
    assertThat(result.exit()).as(result.all()).isZero();
    return result.out();
  }
}
