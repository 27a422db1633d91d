package org.switchman.runbook.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.FakeConftool;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.port.Conftool.PoolEntry;

/**
 * The start input of a rolling restart, and the plan conftool makes of it: hosts only from the
 * service's clusters, batches within the catalogue's maximum and never across datacenters.
 */
class RollingRestartRequestTest {

  private static final List<String> DATACENTERS = List.of("eqiad", "codfw");

  /** Jobrunners: two at a time at most, a quarter of the cluster by default. */
  private static final ServiceCatalogue CATALOGUE =
      PolicyRows.catalogue(
          List.of(
              PolicyRows.row(
                  "jobrunner",
                  "clusters",
                  "jobrunner, videoscaler",
                  "batchSize",
                  "25%",
                  "batchMax",
                  "2")));

  private FakeConftool conftool;

  @BeforeEach
  void fleet() {
    conftool = new FakeConftool();
    for (String dc : DATACENTERS) {
      int digit = dc.equals("eqiad") ? 1 : 2;
      for (int n = 1; n <= 5; n++) {
        String host = "mw" + (digit * 1000 + 200 + n) + "." + dc + ".wmnet";
        conftool.putPool(new PoolEntry(dc, "jobrunner", "apache2", host, "yes", 10));
        conftool.putPool(new PoolEntry(dc, "jobrunner", "nginx", host, "yes", 10));
      }
      String scaler = "mw" + (digit * 1000 + 300) + "." + dc + ".wmnet";
      conftool.putPool(new PoolEntry(dc, "videoscaler", "apache2", scaler, "no", 10));
      conftool.putPool(
          new PoolEntry(
              dc,
              "appserver",
              "apache2",
              "mw" + (digit * 1000 + 1) + "." + dc + ".wmnet",
              "yes",
              30));
    }
  }

  private static RollingRestartRequest request(String dc, String hosts, String batchSize) {
    return RollingRestartRequest.parse(
        "jobrunner",
        dc,
        hosts,
        batchSize,
        "restart",
        "live",
        "weekly restart",
        "T1234",
        CATALOGUE,
        DATACENTERS);
  }

  private static void refused(Runnable start, String... problems) {
    assertThatThrownBy(start::run)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("rolling-restart cannot start: ")
        .satisfies(
            e -> assertThat(((InvalidRequestException) e).problems()).hasSize(problems.length))
        .hasMessageContaining(problems[0]);
    for (String problem : problems) {
      assertThatThrownBy(start::run).hasMessageContaining(problem);
    }
  }

  @Test
  void aWholeDatacenterRestartsInBatchesOfThePolicysShareCappedAtItsMaximum() {
    RestartPlan plan = RestartPlan.of(request("eqiad", "", ""), conftool, DATACENTERS);

    assertThat(plan.hosts())
        .extracting(RestartPlan.Host::fqdn)
        .as("every host of both clusters, the appserver cluster left alone")
        .containsExactly(
            "mw1201.eqiad.wmnet",
            "mw1202.eqiad.wmnet",
            "mw1203.eqiad.wmnet",
            "mw1204.eqiad.wmnet",
            "mw1205.eqiad.wmnet",
            "mw1300.eqiad.wmnet");
    // 25% of 6 hosts is 2 (rounded up), the maximum is 2
    assertThat(plan.batches()).extracting(b -> b.hosts().size()).containsExactly(2, 2, 2);
    assertThat(plan.batches().get(2).hosts())
        .extracting(RestartPlan.Host::cluster)
        .containsExactly("jobrunner", "videoscaler");
  }

  @Test
  void bothDatacentersRunOneAfterTheOtherAndABatchNeverSpansThem() {
    RestartPlan plan = RestartPlan.of(request("all", "", "1"), conftool, DATACENTERS);

    assertThat(plan.batches()).hasSize(12);
    assertThat(plan.batches())
        .extracting(RestartPlan.Batch::number)
        .startsWith(1, 2, 3)
        .endsWith(12);
    assertThat(plan.batches().subList(0, 6)).allMatch(b -> b.dc().equals("eqiad"));
    assertThat(plan.batches().subList(6, 12)).allMatch(b -> b.dc().equals("codfw"));
  }

  @Test
  void aHostListPicksAmongTheServicesHostsAndNamesThoseItCannot() {
    RestartPlan plan =
        RestartPlan.of(
            request("eqiad", "mw1205.eqiad.wmnet, mw1201.eqiad.wmnet\nmw1201.eqiad.wmnet", ""),
            conftool,
            DATACENTERS);
    assertThat(plan.hosts())
        .extracting(RestartPlan.Host::fqdn)
        .containsExactly("mw1201.eqiad.wmnet", "mw1205.eqiad.wmnet");

    refused(
        () ->
            RestartPlan.of(
                request("eqiad", "mw1201.eqiad.wmnet mw1001.eqiad.wmnet mw2201.codfw.wmnet", ""),
                conftool,
                DATACENTERS),
        "host mw1001.eqiad.wmnet is not a host of jobrunner in eqiad (conftool clusters"
            + " jobrunner, videoscaler)",
        "host mw2201.codfw.wmnet is not a host of jobrunner in eqiad");
  }

  /**
   * A host list for both datacenters restarts those hosts only, whichever datacenter they are in:
   * never every host of a datacenter the list does not name.
   */
  @Test
  void aHostListInBothDatacentersRestartsOnlyTheHostsItNames() {
    RestartPlan eqiadOnly =
        RestartPlan.of(request("all", "mw1202.eqiad.wmnet", ""), conftool, DATACENTERS);
    assertThat(eqiadOnly.hosts())
        .extracting(RestartPlan.Host::fqdn)
        .containsExactly("mw1202.eqiad.wmnet");

    RestartPlan both =
        RestartPlan.of(
            request("all", "mw2203.codfw.wmnet mw1202.eqiad.wmnet", ""), conftool, DATACENTERS);
    assertThat(both.hosts())
        .extracting(RestartPlan.Host::fqdn)
        .containsExactly("mw1202.eqiad.wmnet", "mw2203.codfw.wmnet");
  }

  /** A list longer than the engine keeps in a variable is refused by name, never a 500. */
  @Test
  void aHostListLongerThanTheEngineKeepsIsRefusedNamingTheLimit() {
    String many =
        IntStream.range(0, 250)
            .mapToObj(n -> "mw" + (1000 + n) + ".eqiad.wmnet")
            .collect(Collectors.joining(","));
    refused(
        () -> request("all", many, ""),
        "hosts is " + many.length() + " characters long; at most 4000");
  }

  @Test
  void aServiceWithoutHostsInADatacenterIsRefused() {
    FakeConftool empty = new FakeConftool();
    refused(
        () -> RestartPlan.of(request("codfw", "", ""), empty, DATACENTERS),
        "conftool has no host of jobrunner (clusters jobrunner, videoscaler) in codfw");
  }

  @Test
  void theInputIsCheckedAsAWholeNamingEveryProblem() {
    RollingRestartRequest accepted = request("codfw", "", "2");
    assertThat(accepted.mode()).isEqualTo(ExecutionMode.LIVE);
    assertThat(accepted.action()).isEqualTo(RollingRestartRequest.Action.RESTART);
    assertThat(accepted.batchSize()).contains(2);

    refused(
        () -> request("codfw", "", "3"),
        "batchSize 3 is above the catalogue's maximum for jobrunner (2)");
    refused(
        () ->
            RollingRestartRequest.parse(
                "jobrunners",
                "esams",
                "mw1201.eqiad.wmnet; rm -rf /",
                "0",
                "stop",
                "live-test",
                "two\nlines",
                "1234",
                CATALOGUE,
                DATACENTERS),
        "service 'jobrunners' is not in the service catalogue; it has [jobrunner]",
        "dc 'esams' is not a known datacenter [eqiad, codfw] nor 'all'",
        "hosts: 'mw1201.eqiad.wmnet;' is not a host name",
        "hosts: '-rf' is not a host name",
        "hosts: '/' is not a host name",
        "batchSize '0' is not a whole number of hosts, 1 or more",
        "action 'stop' is not one of restart, reload",
        "mode 'live-test' is not one of live, dry-run",
        "reason must be a single line of text",
        "ticket must be T followed by digits (such as T12345), not '1234'");
  }
}
