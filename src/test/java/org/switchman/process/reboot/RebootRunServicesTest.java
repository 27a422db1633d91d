package org.switchman.process.reboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchman.audit.report.ServiceProgress;

/** The live view of a reboot, step by step, from what the run recorded. */
class RebootRunServicesTest {

  @Test
  void aRunWithoutAHostHasNoSteps() {
    assertThat(RebootRunServices.of(Map.of("mode", "live"))).isEmpty();
  }

  @Test
  void theRecoveryShowsItsProgressAndTheStepsBeforeItAreDone() {
    Map<String, String> frozen = new HashMap<>();
    frozen.put("host", "afs1001.eqiad.wmnet");
    frozen.put("cluster", "fileserver");
    frozen.put("clean", "false");
    frozen.put("reboot.depooled", "eqiad/fileserver/afs/afs1001.eqiad.wmnet");
    frozen.put("reboot.depooledAt", "1");
    frozen.put("reboot.requestedAt", "2");
    frozen.put("reboot.seenUp", "2026-12-02T21:00:00Z");
    frozen.put(
        "reboot.recovery",
        "the file server is salvaging its partitions, for 12 min of at most 40 min");

    List<ServiceProgress> steps = RebootRunServices.of(frozen);

    assertThat(steps)
        .extracting(ServiceProgress::service)
        .containsExactly(
            "take out", "reboot", "recovery", "services", "dependents", "smoke test", "put back");
    assertThat(steps)
        .extracting(ServiceProgress::stage)
        .containsExactly("done", "done", "running", "waiting", "waiting", "waiting", "waiting");
    assertThat(steps.get(1).change()).isEqualTo("reboot -f");
    assertThat(steps.get(2).detail()).contains("for 12 min of at most 40 min");
  }

  @Test
  void aHostLeftDepooledSaysSo() {
    Map<String, String> frozen = new HashMap<>();
    frozen.put("host", "web1001.eqiad.wmnet");
    frozen.put("cluster", "webserver");
    frozen.put("reboot.requestedAt", "2");
    frozen.put("reboot.smokeTest", "domtool-test-config: postgresql is not active");
    frozen.put(
        "reboot.outcome", "LEFT DEPOOLED from [eqiad/webserver/apache2/web1001.eqiad.wmnet]");

    List<ServiceProgress> steps = RebootRunServices.of(frozen);

    assertThat(steps.get(1).stage()).isEqualTo("waiting for the host");
    assertThat(steps.get(5).stage()).isEqualTo("failed");
    assertThat(steps.get(6).stage()).isEqualTo("left depooled");
  }
}
