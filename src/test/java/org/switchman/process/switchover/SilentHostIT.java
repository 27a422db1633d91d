package org.switchman.process.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.switchman.SwitchmanApplication;
import org.switchman.support.AppLabSlot;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * A maintenance host that accepts SSH connections and never sends its banner (the lab's {@code
 * HOST_SILENT}) during phase 0: the step fails at the SSH handshake timeout (10 s in the lab) and
 * the run stops at the phase's operator decision, saying which host did not answer and how.
 */
class SilentHostIT {

  private static final String HOST = "mwmaint2001.codfw.wmnet";

  @Test
  void aSilentMaintenanceHostStopsPhaseZeroAtItsDecisionWithinTheHandshakeTimeout() {
    AppLabSlot slot = AppLabSlot.firstFree(91, 10200, List.of("s1"));
    Path dataDir = Path.of("target", "test-data", "silent-" + UUID.randomUUID()).toAbsolutePath();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.profiles.active=lab",
                "--switchman.data-dir=" + dataDir,
                "--switchman.lab.dir=" + dataDir.resolve("lab-servers")));
    args.addAll(slot.arguments());
    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(SwitchmanApplication.class).run(args.toArray(String[]::new))) {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      Rest.Reply fault =
          Rest.as(port, "admin", "demo")
              .post("/lab/api/faults", "{\"kind\":\"HOST_SILENT\",\"host\":\"" + HOST + "\"}");
      assertThat(fault.status()).as(fault.body()).isLessThan(300);
      SwitchoverRuns runs = new SwitchoverRuns(port);

      long started = System.nanoTime();
      String run = runs.start("eqiad", "codfw", "live");
      JsonNode decision = runs.awaitTask("UserTask_DecideOnPreparationFailure");
      long millis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf("phase 0 stopped at its decision %d ms after the start%n", millis);

      assertThat(decision.path("processInstanceId").asText()).isEqualTo(run);
      assertThat(runs.variable(decision, "failureMessage"))
          .contains(
              HOST
                  + " is unreachable: it"
                  + " accepted the TCP connection but sent no SSH banner within PT10S");
      assertThat(millis)
          .as("the handshake timeout plus the run's own work, not a hang")
          .isLessThan(40_000);
      assertThat(Rest.as(port, "admin", "demo").get("/engine-rest/incident").json()).isEmpty();
    }
  }
}
