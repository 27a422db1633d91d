package org.switchman.runbook.switchover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.switchman.audit.InMemoryJournal;
import org.switchman.infra.Mutations;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.StepInterruptedException;
import org.switchman.support.FakeSite;

/**
 * A step interrupted by shutdown says so and is never turned into a failed check, and a host key
 * mismatch is a failed check at the first attempt, naming the fingerprint.
 */
class SwitchoverInterruptionTest {

  private static final String NEW_KEY = "SHA256:n3wK3yOfAReinstalledHost";

  /** What the site's ports do instead of their work; null: work as usual. */
  private volatile RuntimeException remoteFailure;

  private volatile RuntimeException catchUpFailure;
  private final AtomicInteger remoteCalls = new AtomicInteger();

  private final FakeSite site =
      new FakeSite(new Mutations(new InMemoryJournal())) {
        @Override
        public CommandResult query(String host, String command, Duration timeout) {
          failRemote();
          return super.query(host, command, timeout);
        }

        @Override
        public CommandOutcome execute(
            RunContext run, String host, String datacenter, String command, Duration timeout) {
          failRemote();
          return super.execute(run, host, datacenter, command, timeout);
        }

        @Override
        public Instant awaitCaughtUp(
            String section, String fromDc, String toDc, int attempts, Duration interval) {
          if (catchUpFailure != null) {
            throw catchUpFailure;
          }
          return super.awaitCaughtUp(section, fromDc, toDc, attempts, interval);
        }
      };

  private void failRemote() {
    remoteCalls.incrementAndGet();
    if (remoteFailure != null) {
      throw remoteFailure;
    }
  }

  private final Switchover switchover =
      new Switchover(
          new SwitchoverTopology(
              FakeSite.DCS,
              FakeSite.SERVICES,
              FakeSite.SECTIONS,
              Map.of(
                  "eqiad",
                  List.of("mwmaint1001.eqiad.wmnet"),
                  "codfw",
                  List.of("mwmaint2001.codfw.wmnet")),
              Map.of(
                  "eqiad", List.of("mw1001.eqiad.wmnet"), "codfw", List.of("mw2001.codfw.wmnet")),
              Map.of(
                  "eqiad", List.of("db1001.eqiad.wmnet"), "codfw", List.of("db2001.codfw.wmnet")),
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
          "eqiad",
          "codfw",
          ExecutionMode.LIVE,
          "switchover test",
          "T1",
          Duration.ofMinutes(3),
          Duration.ZERO);
  private static final RunContext RUN =
      new RunContext("run-1", "ServiceTask_Test", "alice", ExecutionMode.LIVE, "eqiad");

  private static StepInterruptedException interruption(String what) {
    return new StepInterruptedException(what, new InterruptedException());
  }

  @Test
  void anInterruptedCatchUpIsNotASectionThatHasNotCaughtUp() {
    catchUpFailure = interruption("waiting for the codfw master of s1 to catch up");
    assertThatThrownBy(() -> switchover.lockDownSection(RUN, "s1", "eqiad", "codfw"))
        .isInstanceOf(StepInterruptedException.class)
        .hasMessage("interrupted by shutdown while waiting for the codfw master of s1 to catch up");
  }

  @Test
  void anInterruptedCommandIsNotAnUnreachableHost() {
    remoteFailure = interruption("'systemctl is-active mw-cron' ran on mwmaint1001.eqiad.wmnet");
    assertThatThrownBy(() -> switchover.stopMaintenance(RUN, REQUEST))
        .isInstanceOf(StepInterruptedException.class)
        .isNotInstanceOf(CheckFailedException.class);
  }

  @Test
  void anInterruptionStopsTheRollbackAtOnceInsteadOfBeingListedAsAFailedPart() {
    // the first remote call of the rollback is part "ReadOnly off": MediaWiki's siteinfo, asked on
    // the two siteinfo hosts side by side
    remoteFailure = interruption("the siteinfo of mw1005.eqiad.wmnet was asked");
    assertThatThrownBy(
            () -> switchover.rollback().perform(RUN, REQUEST, Map.of("api-rw", 300L), List.of()))
        .isInstanceOf(StepInterruptedException.class)
        .hasMessageContaining("interrupted by shutdown");
    assertThat(remoteCalls).as("no part after the interrupted one ran").hasValue(2);
    assertThat(site.commands)
        .as("puppet and maintenance never ran")
        .noneMatch(c -> c.contains("puppet"));
  }

  @Test
  void aDnsCheckInterruptedWhileItWaitsSaysSo() {
    site.dnsTarget.put("api-rw", "api-rw.svc.eqiad.wmnet.");
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> switchover.checkDiscoveryDns(RUN, REQUEST))
          .isInstanceOf(StepInterruptedException.class)
          .hasMessage("interrupted by shutdown while waiting for DNS to answer with codfw");
      assertThat(Thread.currentThread().isInterrupted()).as("the flag stays set").isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aChangedHostKeyIsAFailedCheckAtTheFirstAttemptNamingTheFingerprint() {
    remoteFailure = new RemoteExecutionException.HostKeyChanged("mwmaint1001.eqiad.wmnet", NEW_KEY);
    assertThatThrownBy(() -> switchover.disablePuppet(RUN, REQUEST))
        .isInstanceOfSatisfying(
            CheckFailedException.class, e -> assertThat(e.check()).isEqualTo("host-command"))
        .hasMessageContaining("mwmaint1001.eqiad.wmnet")
        .hasMessageContaining(NEW_KEY);
    assertThat(remoteCalls).as("not retried").hasValue(1);
  }
}
