package org.switchman.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchman.infra.Mutations;
import org.switchman.runbook.Mutation;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;

/** Reading back fleet commands from what the hosts answer. */
class SshCommandProbeTest {

  private static final String HOST = "mw1001.eqiad.wmnet";
  private static final Instant FIRST_ATTEMPT = Instant.parse("2026-12-01T17:24:32.700Z");

  /** Answers by command; exit 1 where the answer starts with "!". */
  private final Map<String, String> answers = new HashMap<>();

  private final SshCommandProbe probe =
      new SshCommandProbe(
          new RemoteExecutor() {
            @Override
            public CommandResult query(String host, String command, Duration timeout) {
              String answer = answers.getOrDefault(command, "!");
              CommandResult result =
                  new CommandResult(
                      host,
                      command,
                      answer.startsWith("!") ? 1 : 0,
                      answer.replaceFirst("^!", ""),
                      "",
                      "SHA256:x",
                      1);
              if (result.exitCode() != 0) {
                throw new RemoteExecutionException.NonZeroExit(result);
              }
              return result;
            }

            @Override
            public CommandOutcome execute(
                RunContext run, String host, String dc, String command, Duration t) {
              throw new AssertionError("a probe only reads");
            }
          },
          Duration.ofSeconds(5));

  private Mutations.Observation observe(String command) {
    return probe.observe(
        new Mutation(Mutation.Kind.SSH_COMMAND, HOST, null, command), FIRST_ATTEMPT);
  }

  @Test
  void aRestartCountsWhenTheUnitIsActiveSinceTheSecondOfTheFirstAttempt() {
    answers.put("systemctl is-active envoyproxy", "active\n");
    answers.put(
        "systemctl show -p ActiveEnterTimestamp envoyproxy",
        "ActiveEnterTimestamp=Tue 2026-12-01 17:24:32 UTC\n");
    assertThat(observe("systemctl restart envoyproxy").state())
        .isEqualTo(Mutations.Observation.State.APPLIED);

    answers.put(
        "systemctl show -p ActiveEnterTimestamp envoyproxy",
        "ActiveEnterTimestamp=Tue 2026-12-01 17:24:31 UTC\n");
    assertThat(observe("systemctl restart envoyproxy"))
        .satisfies(
            seen -> {
              assertThat(seen.state()).isEqualTo(Mutations.Observation.State.NOT_APPLIED);
              assertThat(seen.observed()).contains("active since 2026-12-01T17:24:31Z");
            });

    answers.put(
        "systemctl show -p ActiveEnterTimestamp envoyproxy", "ActiveEnterTimestamp=@1796146000\n");
    answers.put("systemctl is-active envoyproxy", "!failed\n");
    assertThat(observe("systemctl restart envoyproxy").state())
        .as("restarted since, then failed")
        .isEqualTo(Mutations.Observation.State.NOT_APPLIED);
  }

  @Test
  void startsStopsPuppetAndDowntimesAreReadFromTheHost() {
    answers.put("systemctl is-active mw-cron", "!inactive\n");
    assertThat(observe("systemctl stop mw-cron").state())
        .isEqualTo(Mutations.Observation.State.APPLIED);
    assertThat(observe("systemctl start mw-cron").state())
        .isEqualTo(Mutations.Observation.State.NOT_APPLIED);

    answers.put("puppet-enabled", "!no\n");
    assertThat(observe("disable-puppet 'dc-switchover eqiad to codfw T1'").state())
        .isEqualTo(Mutations.Observation.State.APPLIED);
    assertThat(observe("enable-puppet 'dc-switchover eqiad to codfw T1'").state())
        .isEqualTo(Mutations.Observation.State.NOT_APPLIED);

    answers.put(
        "cat /var/lib/puppet/state/last_run_summary.yaml",
        "---\ntime:\n  last_run: " + FIRST_ATTEMPT.plusSeconds(40).getEpochSecond() + "\n");
    assertThat(observe("run-puppet-agent").state()).isEqualTo(Mutations.Observation.State.APPLIED);
    answers.put(
        "cat /var/lib/puppet/state/last_run_summary.yaml",
        "---\ntime:\n  last_run: " + FIRST_ATTEMPT.minusSeconds(3600).getEpochSecond() + "\n");
    assertThat(observe("run-puppet-agent").state())
        .isEqualTo(Mutations.Observation.State.NOT_APPLIED);

    answers.put("downtimes", "MariaDB read only\n");
    assertThat(observe("downtime-service 'MariaDB read only' 21600 'dc-switchover T1'").state())
        .isEqualTo(Mutations.Observation.State.APPLIED);
    assertThat(observe("remove-downtime 'MariaDB read only'").state())
        .isEqualTo(Mutations.Observation.State.NOT_APPLIED);
  }

  @Test
  void aWarmUpLeavesNoTrace() {
    assertThat(
            observe("/var/lib/mediawiki-cache-warmup/warmup.py urls-cluster.txt spread x").state())
        .isEqualTo(Mutations.Observation.State.NO_TRACE);
  }

  @Test
  void systemdTimestampsParseInTheirZone() {
    assertThat(SshCommandProbe.parseTimestamp("Tue 2026-12-01 18:24:32 CET"))
        .isEqualTo(Instant.parse("2026-12-01T17:24:32Z"));
    assertThat(SshCommandProbe.parseTimestamp("")).isNull();
    assertThat(SshCommandProbe.parseTimestamp("n/a")).isNull();
  }
}
