package org.switchman.runbook.switchover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.switchman.audit.InMemoryJournal;
import org.switchman.infra.Mutations;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.support.FakeSite;

/** Phase 9's puppet run on the database masters: five hosts at a time, every host tried. */
class SwitchoverPuppetTest {

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private volatile String failingHost;

  private final FakeSite site =
      new FakeSite(new Mutations(new InMemoryJournal())) {
        @Override
        public CommandOutcome execute(
            RunContext run, String host, String datacenter, String command, Duration timeout) {
          if (command.equals("run-puppet-agent")) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              // as the SSH executor does: an interrupted command is a step interrupted by shutdown
              throw new org.switchman.runbook.port.StepInterruptedException(command, e);
            } finally {
              running.decrementAndGet();
            }
            if (host.equals(failingHost)) {
              throw new RemoteExecutionException.Unreachable(host, "connection reset", null);
            }
          }
          return super.execute(run, host, datacenter, command, timeout);
        }
      };

  private static List<String> masters(String dc, int first) {
    return IntStream.range(0, 11).mapToObj(i -> "db" + (first + i) + "." + dc + ".wmnet").toList();
  }

  private final Switchover switchover =
      new Switchover(
          new SwitchoverTopology(
              FakeSite.DCS,
              FakeSite.SERVICES,
              FakeSite.SECTIONS,
              Map.of("eqiad", List.of(), "codfw", List.of()),
              Map.of("eqiad", List.of(), "codfw", List.of()),
              Map.of("eqiad", masters("eqiad", 1001), "codfw", masters("codfw", 2001)),
              "mw-cron",
              "deploy1001.eqiad.wmnet",
              Map.of(
                  "eqiad", List.of("mw1005.eqiad.wmnet"), "codfw", List.of("mw2005.codfw.wmnet"))),
          site,
          site,
          site,
          site,
          3,
          Duration.ofMillis(1),
          Duration.ofSeconds(5),
          5,
          Duration.ofSeconds(1));

  private static final SwitchoverRequest REQUEST =
      new SwitchoverRequest(
          "eqiad", "codfw", ExecutionMode.LIVE, "test", "T1", Duration.ofMinutes(3), Duration.ZERO);
  private static final RunContext RUN =
      new RunContext(
          "run-1", "ServiceTask_RunPuppetOnDbMasters", "alice", ExecutionMode.LIVE, "eqiad");

  @Test
  void theMastersRunPuppetFiveAtATimeAndEachThenLosesItsDowntime() {
    switchover.runPuppetOnDbMasters(RUN, REQUEST);

    assertThat(mostAtOnce).as("five at a time, as the reference batches them").hasValue(5);
    List<String> all = new ArrayList<>(masters("eqiad", 1001));
    all.addAll(masters("codfw", 2001));
    for (String host : all) {
      List<String> ofHost = site.commands.stream().filter(c -> c.startsWith(host + ": ")).toList();
      assertThat(ofHost)
          .as(host)
          .containsExactly(
              host + ": run-puppet-agent", host + ": remove-downtime 'MariaDB read only'");
    }
  }

  @Test
  void aHostWhosePuppetRunFailsFailsTheStepNamingItAfterEveryOtherHostRan() {
    failingHost = "db1003.eqiad.wmnet";

    assertThatThrownBy(() -> switchover.runPuppetOnDbMasters(RUN, REQUEST))
        .isInstanceOf(CheckFailedException.class)
        .hasMessageContaining("db1003.eqiad.wmnet is unreachable: connection reset");
    assertThat(site.commands)
        .as("every other host ran, and lost its downtime")
        .filteredOn(c -> c.endsWith("remove-downtime 'MariaDB read only'"))
        .hasSize(21);
  }

  @Test
  void aShutdownInterruptsTheStepAndTheHostsStillRunningAndStartsNoOther() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> switchover.runPuppetOnDbMasters(RUN, REQUEST))
          .isInstanceOf(org.switchman.runbook.port.StepInterruptedException.class)
          .hasMessageContaining("running puppet on the database masters");
    } finally {
      Thread.interrupted();
    }
    assertThat(site.commands)
        .as("no host lost its downtime: none finished its puppet run")
        .noneMatch(c -> c.contains("remove-downtime"));
  }
}
