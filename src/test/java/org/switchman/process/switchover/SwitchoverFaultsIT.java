package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.lab.Lab;
import org.switchman.lab.LabTopology;
import org.switchman.support.AppLabSlot;
import org.switchman.support.LabWorld;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * Infrastructure faults in the middle of a switchover, injected into the lab through its fault API:
 * each ends in an operator decision (never a bare incident), and the choice made there leaves the
 * site whole, as etcdctl, dig, mysql and ssh see it. The tests run in order and each leaves the
 * site switched or rolled back for the next.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "switchman.lab.dir=target/switchover-faults-it-lab",
      "switchman.switchover.catch-up-attempts=8",
      "switchman.switchover.siteinfo-wait=PT3S"
    })
@ActiveProfiles("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverFaultsIT {

  private static final AppLabSlot SLOT = AppLabSlot.firstFree(91, 9400, List.of("s1", "s2", "s3"));

  /** The retries of a step (R3/PT5S) take at least this long before its decision opens. */
  private static final Duration RETRIES = Duration.ofSeconds(10);

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.register(registry, "switchover-faults");
  }

  @LocalServerPort int port;

  @Autowired Lab lab;

  private SwitchoverRuns runs;
  private Rest admin;
  private LabWorld world;

  @BeforeEach
  void driver() {
    runs = new SwitchoverRuns(port);
    admin = Rest.as(port, "admin", "demo");
    world = new LabWorld(lab);
  }

  /**
   * A failed test leaves no fault and no run behind to hold the locks for the next: its run's and
   * scap's.
   */
  @org.junit.jupiter.api.AfterEach
  void clearFaultsAndRuns() {
    admin.delete("/lab/api/faults");
    for (JsonNode run :
        admin.get("/engine-rest/process-instance?processDefinitionKey=dc-switchover").json()) {
      admin.delete("/engine-rest/process-instance/" + run.path("id").asText());
    }
    world.endScapLock();
  }

  @Test
  @Order(1)
  void aRefusedTtlUpdateAsksAtOnceAndAbortRestoresTheTtlConftoolAlreadyHad() {
    String fault = runs.inject("{\"kind\":\"DNS_REFUSING\"}");
    long started = System.nanoTime();
    String run = runs.start("eqiad", "codfw", "live");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnPreparationFailure");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("no retries before the decision")
        .isLessThan(RETRIES);
    assertThat(runs.variable(decision, "failedCheck")).isEqualTo("change-refused");
    assertThat(runs.variable(decision, "failureMessage")).contains("REFUSED");
    assertThat(runs.variable(decision, "siteState")).contains("ReadOnly: eqiad off, codfw off");
    // conftool already has the short TTL for the first record: the rollback must know the old one
    assertThat(world.etcd("/conftool/v1/discovery/appservers-rw/eqiad"))
        .contains("\"ttl\":" + AppLabSlot.TEST_SHORT_TTL.toSeconds());
    runs.clear(fault);
    runs.decide(decision, "abort", "DNS refuses updates; try again after the TSIG key is fixed");
    runs.awaitOutcome(run, "rolled-back");
    for (String service : LabTopology.MEDIAWIKI_SERVICES) {
      long labTtl = AppLabSlot.TEST_DISCOVERY_TTL.toSeconds();
      assertThat(world.etcd("/conftool/v1/discovery/" + service + "/eqiad"))
          .contains("\"ttl\":" + labTtl);
      assertThat(world.dns(service)).isEqualTo(labTtl + " " + service + ".svc.eqiad.wmnet.");
    }
  }

  @Test
  @Order(2)
  void anUnreachableMaintenanceHostAsksAndAbortRestartsMaintenanceWhereItRan() {
    String eqiad = "mwmaint1001.eqiad.wmnet";
    String codfw = "mwmaint2001.codfw.wmnet";
    assertThat(world.ssh(eqiad, "systemctl is-active mw-cron")).isEqualTo("active");
    world.ssh(codfw, "systemctl start mw-cron");
    String run = runs.start("eqiad", "codfw", "live");
    runs.awaitTask("UserTask_GoNoGo");
    String fault = runs.inject("{\"kind\":\"HOST_UNREACHABLE\",\"host\":\"" + codfw + "\"}");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnStopMaintenanceFailure");
    assertThat(runs.variable(decision, "failureMessage")).contains(codfw);
    assertThat(world.ssh(eqiad, "systemctl is-active mw-cron")).isEqualTo("inactive");
    runs.clear(fault);
    runs.decide(decision, "abort", "codfw maintenance host unreachable");
    runs.awaitOutcome(run, "rolled-back");
    assertThat(world.ssh(eqiad, "systemctl is-active mw-cron"))
        .as("maintenance runs where it ran")
        .isEqualTo("active");
    world.ssh(codfw, "systemctl stop mw-cron");
  }

  @Test
  @Order(3)
  void etcdDownInTheWindowAsksAfterRetriesAWrongHostKeyAtOnceAndStoppedReplicationIsAnException() {
    String jobrunner = lab.topology().firstHost("eqiad", "jobrunner").fqdn();
    String run = runs.start("eqiad", "codfw", "live");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.awaitTask("UserTask_FinalGoNoGo");
    String etcdDown = runs.inject("{\"kind\":\"ETCD_DOWN\"}");
    String keyChanged =
        runs.inject("{\"kind\":\"HOST_KEY_CHANGED\",\"host\":\"" + jobrunner + "\"}");
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSetReadOnlyFailure");
    assertThat(runs.variable(decision, "failedCheck")).isEqualTo("infrastructure-unavailable");
    assertThat(runs.variable(decision, "siteState")).startsWith("unknown, etcd could not be read");
    assertThat(admin.get("/engine-rest/incident").json().size()).isZero();
    runs.clear(etcdDown);
    // MediaWiki on one codfw application server stops reading etcd: it keeps saying read-write
    String apiServer = lab.topology().firstHost("codfw", "api_appserver").fqdn();
    String stale = runs.inject("{\"kind\":\"SITEINFO_STALE\",\"host\":\"" + apiServer + "\"}");
    runs.decide(decision, "retry", null);
    JsonNode siteInfo = runs.awaitTask("UserTask_DecideOnSetReadOnlyFailure");
    assertThat(runs.variable(siteInfo, "failedCheck")).isEqualTo("siteinfo");
    assertThat(runs.variable(siteInfo, "failureMessage"))
        .contains("after ReadOnly on, MediaWiki on " + apiServer + " still answers read-write");
    assertThat(
            world.ssh(
                apiServer,
                "curl -s 'http://localhost/w/api.php?action=query&meta=siteinfo&format=json&formatversion=2'"))
        .contains("\"readonly\":false");
    runs.clear(stale);
    runs.decide(siteInfo, "retry", null);
    JsonNode hostKey = runs.awaitTask("UserTask_DecideOnRestoreMediaWikiFailure");
    assertThat(runs.variable(hostKey, "failureMessage")).contains(jobrunner).contains("SHA256:");
    assertThat(journalOf(run))
        .noneMatch(
            e ->
                e.path("target").asText().equals(jobrunner)
                    && e.path("outcome").asText().equals("PERFORMED"));
    runs.clear(keyChanged);
    // ReadOnly is off: replication from the new masters back to eqiad stops for s1
    String stopped =
        runs.inject("{\"kind\":\"REPLICATION_STOPPED\",\"section\":\"s1\",\"dc\":\"eqiad\"}");
    runs.decide(hostKey, "retry", null);
    runs.awaitOutcome(run, "switched-over-with-exceptions");
    assertThat(journalOf(run))
        .filteredOn(e -> e.path("kind").asText().equals("INVARIANTS"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.path("output").asText())
                    .contains(
                        "replication does not flow from the codfw master of s1 to the eqiad one")
                    .as("the write load writes to the codfw masters")
                    .doesNotContain("no edit landed"));
    runs.clear(stopped);
    world.verifyServedFrom("codfw", "eqiad");
  }

  @Test
  @Order(4)
  void aMasterDownInPhaseThreeAsksInItsSectionAndAbortLeavesTheOldMastersWritable() {
    String run = runs.start("codfw", "eqiad", "live");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.awaitTask("UserTask_FinalGoNoGo");
    String fault = runs.inject("{\"kind\":\"DB_MASTER_DOWN\",\"section\":\"s1\",\"dc\":\"codfw\"}");
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSectionFailure");
    assertThat(runs.variable(decision, "section")).isEqualTo("s1");
    assertThat(runs.variable(decision, "failedCheck")).isEqualTo("infrastructure-unavailable");
    assertThat(runs.variable(decision, "siteState"))
        .contains("unknown, the s1 masters could not be read")
        .contains("ReadOnly: codfw ON");
    runs.clear(fault);
    runs.decide(decision, "abort", "s1 codfw master crashed");
    runs.awaitOutcome(run, "rolled-back");
    for (String dc : LabTopology.DATACENTERS) {
      assertThat(world.etcd("/conftool/v1/mediawiki-config/" + dc + "/ReadOnly")).contains("false");
    }
    for (String section : lab.topology().sections()) {
      assertThat(world.sql(section, "codfw", "SELECT @@global.read_only"))
          .as(section)
          .isEqualTo("0");
    }
    assertThat(world.etcd("/conftool/v1/mediawiki-config/common/WMFMasterDatacenter"))
        .contains("codfw");
  }

  @Test
  @Order(5)
  void dnsDownAtTheDepoolAsksAfterTheRetriesAndAbortRollsBack() {
    String run = runs.start("codfw", "eqiad", "live");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.awaitTask("UserTask_FinalGoNoGo");
    String fault = runs.inject("{\"kind\":\"DNS_DOWN\"}");
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSwitchDiscoveryFailure");
    assertThat(runs.variable(decision, "failedCheck")).isEqualTo("infrastructure-unavailable");
    assertThat(runs.variable(decision, "siteState")).contains("unknown, DNS could not be read");
    runs.clear(fault);
    runs.decide(decision, "abort", "DNS server down");
    runs.awaitOutcome(run, "rolled-back");
    world.verifyServedFrom("codfw", "eqiad");
  }

  @Test
  @Order(6)
  void aRefusedDnsUpdateAtTheDepoolAsksAtOnceAndARetryFinishes() {
    String jobrunner = lab.topology().firstHost("codfw", "jobrunner").fqdn();
    String run = runs.start("codfw", "eqiad", "live");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.awaitTask("UserTask_FinalGoNoGo");
    String refusing = runs.inject("{\"kind\":\"DNS_REFUSING\"}");
    runs.inject(
        "{\"kind\":\"RESTART_NEEDS_ATTEMPTS\",\"host\":\""
            + jobrunner
            + "\",\"unit\":\"envoyproxy\",\"count\":2}");
    long approved = System.nanoTime();
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSwitchDiscoveryFailure");
    assertThat(Duration.ofNanos(System.nanoTime() - approved))
        .as("no retries before the decision")
        .isLessThan(RETRIES);
    assertThat(runs.variable(decision, "failedCheck")).isEqualTo("change-refused");
    assertThat(runs.variable(decision, "failureMessage")).contains("REFUSED");
    runs.clear(refusing);
    runs.decide(decision, "retry", null);
    JsonNode restart = runs.awaitTask("UserTask_DecideOnRestoreMediaWikiFailure");
    assertThat(runs.variable(restart, "failureMessage")).contains(jobrunner).contains("envoyproxy");
    runs.decide(restart, "retry", null);
    runs.awaitOutcome(run, "switched-over");
    world.verifyServedFrom("eqiad", "codfw");
    assertThat(journalOf(run))
        .filteredOn(
            e ->
                e.path("target").asText().equals(jobrunner)
                    && e.path("action").asText().contains("restart envoyproxy")
                    && List.of("FAILED", "PERFORMED").contains(e.path("outcome").asText()))
        .extracting(e -> e.path("outcome").asText())
        .containsExactly("FAILED", "PERFORMED");
  }

  @Test
  @Order(7)
  void aPausedNewMasterInPhaseSixAsksAfterItsSocketTimeoutInsteadOfHanging() {
    String run = runs.start("eqiad", "codfw", "live");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    runs.awaitTask("UserTask_FinalGoNoGo");
    // s1 is held in phase 3 by a lag, so that s3's codfw master can be paused before phase 6
    String lag =
        runs.inject(
            "{\"kind\":\"REPLICATION_DELAY\",\"section\":\"s1\",\"dc\":\"codfw\","
                + "\"seconds\":120}");
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    JsonNode lagging = runs.awaitTask("UserTask_DecideOnSectionFailure");
    assertThat(runs.variable(lagging, "section")).isEqualTo("s1");
    String paused =
        runs.inject("{\"kind\":\"DB_MASTER_PAUSED\",\"section\":\"s3\",\"dc\":\"codfw\"}");
    runs.clear(lag);
    long retried = System.nanoTime();
    runs.decide(lagging, "retry", null);
    JsonNode decision = awaitSectionDecision("s3");
    assertThat(Duration.ofNanos(System.nanoTime() - retried))
        .as("bounded by the socket timeouts")
        .isLessThan(Duration.ofSeconds(150));
    assertThat(runs.variable(decision, "failedCheck")).isEqualTo("infrastructure-unavailable");
    assertThat(runs.variable(decision, "siteState"))
        .contains("WMFMasterDatacenter: codfw")
        .contains("unknown, the s3 masters could not be read");
    runs.clear(paused);
    runs.decide(decision, "retry", null);
    runs.awaitOutcome(run, "switched-over");
    world.verifyServedFrom("codfw", "eqiad");
  }

  private JsonNode awaitSectionDecision(String section) {
    JsonNode[] found = new JsonNode[1];
    SwitchoverRuns.await(
        () -> {
          for (JsonNode task :
              admin
                  .get("/engine-rest/task?taskDefinitionKey=UserTask_DecideOnSectionFailure")
                  .json()) {
            if (section.equals(runs.variable(task, "section"))) {
              found[0] = task;
              return true;
            }
          }
          return false;
        },
        Duration.ofSeconds(150),
        () -> "the decision of section " + section);
    return found[0];
  }

  // ---------------------------------------------------------------- REST

  private List<JsonNode> journalOf(String run) {
    JsonNode report = Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json();
    List<JsonNode> list = new java.util.ArrayList<>();
    report.path("journal").forEach(list::add);
    assertThat(list).as(report.toString()).isNotEmpty();
    return list;
  }
}
