package org.switchman.process.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchman.audit.report.HostProgress;
import org.switchman.audit.report.HostProgress.Stage;

class RestartRunHostsTest {

  private static final String PLAN =
      """
      1 eqiad jobrunner mw1001.eqiad.wmnet jobrunner
      1 eqiad jobrunner mw1002.eqiad.wmnet jobrunner
      1 eqiad jobrunner mw1003.eqiad.wmnet jobrunner
      2 eqiad jobrunner mw1004.eqiad.wmnet jobrunner
      2 eqiad jobrunner mw1005.eqiad.wmnet jobrunner
      3 codfw jobrunner mw2001.codfw.wmnet jobrunner
      3 codfw jobrunner mw2002.codfw.wmnet jobrunner
      """;

  @Test
  void eachHostOfThePlanShowsTheStageItsParametersRecord() {
    Map<String, String> frozen = new HashMap<>();
    frozen.put(RestartSteps.PLAN, PLAN);
    // mw1001: done; mw1002: failed, still depooled; mw1003: restarted, waiting for readiness
    frozen.put("host.1.attempt", "1");
    frozen.put("host.1.depooled", "eqiad/jobrunner/jobrunner/mw1001.eqiad.wmnet");
    frozen.put("host.1.readyBy", "2026-12-01T10:02:00Z");
    frozen.put("host.1.outcome", RestartSteps.RESTARTED);
    frozen.put("host.2.attempt", "1");
    frozen.put("host.2.depooled", "eqiad/jobrunner/jobrunner/mw1002.eqiad.wmnet");
    frozen.put("host.2.readyBy", "2026-12-01T10:02:00Z");
    frozen.put("host.2.failure", "proxy-registered: not registered with the proxy");
    frozen.put("host.3.attempt", "1");
    frozen.put("host.3.depooled", "eqiad/jobrunner/jobrunner/mw1003.eqiad.wmnet");
    frozen.put("host.3.readyBy", "2026-12-01T10:02:00Z");
    // mw1004: depooled, in its grace; mw1005: waiting for its pre-checks
    frozen.put("host.4.attempt", "1");
    frozen.put("host.4.depooled", DepoolHostDelegate.NONE);
    frozen.put("host.5.attempt", "1");
    frozen.put("host.5.fitBy", "2026-12-01T10:05:00Z");
    // mw2001: left alone (a long job); mw2002: its batch has not started
    frozen.put("host.6.attempt", "1");
    frozen.put("host.6.outcome", RestartSteps.DEFERRED + ": a long job runs; retry after it ends");

    List<HostProgress> hosts = RestartRunHosts.of(frozen);

    assertThat(hosts)
        .extracting(HostProgress::host, HostProgress::batch, HostProgress::stage)
        .containsExactly(
            tuple("mw1001.eqiad.wmnet", 1, Stage.DONE.label()),
            tuple("mw1002.eqiad.wmnet", 1, Stage.FAILED.label()),
            tuple("mw1003.eqiad.wmnet", 1, Stage.RESTARTED.label()),
            tuple("mw1004.eqiad.wmnet", 2, Stage.DEPOOLED.label()),
            tuple("mw1005.eqiad.wmnet", 2, Stage.PRE_CHECKS.label()),
            tuple("mw2001.codfw.wmnet", 3, Stage.LEFT_ALONE.label()),
            tuple("mw2002.codfw.wmnet", 3, Stage.WAITING.label()));
    assertThat(hosts.get(1).detail())
        .isEqualTo(
            "proxy-registered: not registered with the proxy; out of jobrunner until an operator"
                + " decides");
    assertThat(hosts.get(2).detail())
        .isEqualTo("out of jobrunner; waits for readiness until 2026-12-01T10:02:00Z");
    assertThat(hosts.get(3).detail()).isEqualTo("in no pool");
    assertThat(hosts.get(4).detail())
        .isEqualTo("waits for its pre-checks to pass until 2026-12-01T10:05:00Z");
    assertThat(hosts.get(5).detail()).startsWith("deferred: a long job runs");
    assertThat(hosts.get(5).dc()).isEqualTo("codfw");
  }

  @Test
  void aHostLeftDepooledByAnOperatorIsAFailureAndARunWithoutAPlanHasNoHosts() {
    Map<String, String> frozen = new HashMap<>();
    frozen.put(RestartSteps.PLAN, PLAN);
    frozen.put("host.2.outcome", RestartSteps.LEFT_DEPOOLED + ", skipped by an operator: x");
    frozen.put("host.3.outcome", "not restarted, failed when the run stopped: y");
    frozen.put("host.4.outcome", "repooled when the run stopped");

    List<HostProgress> hosts = RestartRunHosts.of(frozen);

    assertThat(hosts.get(1).stage()).isEqualTo(Stage.FAILED.label());
    assertThat(hosts.get(2).stage()).isEqualTo(Stage.FAILED.label());
    assertThat(hosts.get(3).stage()).isEqualTo(Stage.LEFT_ALONE.label());
    assertThat(RestartRunHosts.of(Map.of("mode", "live"))).isEmpty();
  }
}
