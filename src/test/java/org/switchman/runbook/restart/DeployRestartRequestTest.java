package org.switchman.runbook.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.FakeConftool;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.port.Conftool.PoolEntry;

/**
 * The start input of a restart after a deploy, and its plan: every service in turn, each datacenter
 * in turn, never more than the share of a cluster at once.
 */
class DeployRestartRequestTest {

  private static final ServiceCatalogue CATALOGUE =
      PolicyRows.catalogue(
          List.of(
              PolicyRows.row("jobrunner", "batchMax", "4"),
              PolicyRows.row("videoscaler", "units", "jobrunner"),
              PolicyRows.row("mw-cron", "clusters", "maintenance"),
              PolicyRows.row("mw-dumps", "clusters", "snapshot")));

  @Test
  void aDeployIdAloneRestartsEveryServiceWithTheDeployAsItsReasonAndTicket() {
    DeployRestartRequest request =
        DeployRestartRequest.parse("scap-2026-12-02-0042", "", "live", "", "", CATALOGUE);

    assertThat(request.services())
        .containsExactly("jobrunner", "videoscaler", "mw-cron", "mw-dumps");
    assertThat(request.mode()).isEqualTo(ExecutionMode.LIVE);
    assertThat(request.reason()).isEqualTo("Restart after deploy scap-2026-12-02-0042");
    assertThat(request.ticket()).isEqualTo("scap-2026-12-02-0042");
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    assertThatThrownBy(
            () ->
                DeployRestartRequest.parse(
                    "rm -rf /", "jobrunner, appserver", "live-test", "", "4711", CATALOGUE))
        .isInstanceOf(InvalidRequestException.class)
        .satisfies(
            e ->
                assertThat(((InvalidRequestException) e).problems())
                    .anySatisfy(p -> assertThat(p).contains("deployId 'rm -rf /'"))
                    .anySatisfy(p -> assertThat(p).contains("services: 'appserver'"))
                    .anySatisfy(p -> assertThat(p).contains("mode 'live-test'"))
                    .anySatisfy(p -> assertThat(p).contains("ticket")));
  }

  @Test
  void aServiceMissingFromTheCatalogueIsRefused() {
    ServiceCatalogue without = PolicyRows.catalogue(List.of(PolicyRows.row("jobrunner")));
    assertThatThrownBy(() -> DeployRestartRequest.parse("d1", "", "live", "", "", without))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("service 'videoscaler' is not in the service catalogue");
  }

  @Test
  void thePlanTakesAtMostTheShareOfAClusterAtOnceServiceAfterServiceAndDcAfterDc() {
    FakeConftool conftool = new FakeConftool();
    for (int n = 1; n <= 25; n++) {
      conftool.putPool(
          new PoolEntry(
              "eqiad", "jobrunner", "jobrunner", "mw" + (1200 + n) + ".eqiad.wmnet", "yes", 10));
    }
    for (int n = 1; n <= 3; n++) {
      conftool.putPool(
          new PoolEntry(
              "codfw", "jobrunner", "jobrunner", "mw" + (2200 + n) + ".codfw.wmnet", "yes", 10));
    }
    conftool.putPool(
        new PoolEntry("eqiad", "videoscaler", "videoscaler", "mw1300.eqiad.wmnet", "yes", 10));
    conftool.putPool(
        new PoolEntry("codfw", "maintenance", "mwmaint", "mwmaint2001.codfw.wmnet", "yes", 1));
    conftool.putPool(
        new PoolEntry("eqiad", "snapshot", "dumps", "snapshot1001.eqiad.wmnet", "inactive", 1));
    DeployRestartRequest request = DeployRestartRequest.parse("d1", "", "live", "", "", CATALOGUE);

    RestartPlan plan =
        RestartPlan.afterDeploy(request, CATALOGUE, conftool, List.of("eqiad", "codfw"), 10);

    // 10 % of 25 eqiad jobrunners: two at once; of 3 in codfw: still one at least
    assertThat(plan.batches())
        .extracting(b -> b.service() + " " + b.dc() + " " + b.hosts().size())
        .startsWith("jobrunner eqiad 2", "jobrunner eqiad 2")
        .contains("jobrunner eqiad 1", "jobrunner codfw 1", "videoscaler eqiad 1")
        .endsWith("mw-cron codfw 1", "mw-dumps eqiad 1");
    assertThat(plan.batches().stream().filter(b -> b.service().equals("jobrunner")).count())
        .isEqualTo(13 + 3);
    assertThat(plan.hosts()).hasSize(25 + 3 + 1 + 1 + 1);
    assertThat(
            RestartPlan.afterDeploy(request, CATALOGUE, conftool, List.of("eqiad", "codfw"), 50)
                .batches()
                .get(0)
                .hosts())
        .as("never above the catalogue's maximum")
        .hasSize(4);
  }
}
