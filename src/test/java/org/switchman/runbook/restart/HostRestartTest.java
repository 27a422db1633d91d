package org.switchman.runbook.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.FakeConftool;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool.PoolEntry;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;

/**
 * The steps on one host, with conftool in memory and a host that answers as the lab's do: the
 * depool takes out only what was pooled and the repool puts back exactly that, checks name what
 * failed, and dry-run changes nothing.
 */
class HostRestartTest {

  private static final RestartPlan.Host MW1001 =
      new RestartPlan.Host("mw1001.eqiad.wmnet", "eqiad", "appserver");

  /** Appservers: php-fpm and apache2, out of apache2 and nginx, checked active and registered. */
  private static final ServicePolicy APPSERVER =
      PolicyRows.catalogue(
              List.of(
                  PolicyRows.row(
                      "appserver",
                      "units",
                      "php-fpm, apache2",
                      "depoolFrom",
                      "apache2, nginx",
                      "postChecks",
                      "systemd-active, proxy-registered")))
          .policy("rolling-restart", "appserver");

  private final FakeConftool conftool = new FakeConftool();
  private final FakeHost host = new FakeHost();
  private final HostRestart restart = new HostRestart(host, conftool, Duration.ofSeconds(30));

  @BeforeEach
  void pooledInApache2NotInNginx() {
    set("apache2", "yes");
    set("nginx", "no");
  }

  private void set(String service, String pooled) {
    conftool.putPool(
        new PoolEntry("eqiad", "appserver", service, "mw1001.eqiad.wmnet", pooled, 30));
  }

  private String pooled(String service) {
    return conftool
        .poolEntry("eqiad", "appserver", service, "mw1001.eqiad.wmnet")
        .orElseThrow()
        .value()
        .pooled();
  }

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-1", "ServiceTask_RestartHost", "alice", mode, "eqiad");
  }

  @Test
  void theDepoolTakesOutWhatWasPooledAndTheRepoolPutsBackExactlyThat() {
    List<HostRestart.PoolSlot> slots = restart.toDepool(APPSERVER, MW1001);
    assertThat(slots).extracting(HostRestart.PoolSlot::service).containsExactly("apache2");
    assertThat(HostRestart.PoolSlot.parse(slots.get(0).toString())).isEqualTo(slots.get(0));

    restart.depool(run(ExecutionMode.LIVE), slots);
    assertThat(pooled("apache2")).isEqualTo("no");
    restart.restart(
        run(ExecutionMode.LIVE), APPSERVER, MW1001, RollingRestartRequest.Action.RESTART);
    assertThat(restart.failedChecks(APPSERVER.postChecks(), APPSERVER, MW1001)).isEmpty();
    HostRestart.Repool repool = restart.repool(run(ExecutionMode.LIVE), slots);

    assertThat(repool.repooled()).isEqualTo(slots);
    assertThat(repool.leftAlone()).isEmpty();
    assertThat(pooled("apache2")).isEqualTo("yes");
    assertThat(pooled("nginx")).as("never pooled by this run").isEqualTo("no");
    assertThat(host.executed)
        .containsExactly("systemctl restart php-fpm", "systemctl restart apache2");
    assertThat(conftool.writes)
        .containsExactly(
            "pools/eqiad/appserver/apache2/mw1001.eqiad.wmnet",
            "pools/eqiad/appserver/apache2/mw1001.eqiad.wmnet");
  }

  @Test
  void eachStepMayRunAgainAfterACrash() {
    List<HostRestart.PoolSlot> slots = restart.toDepool(APPSERVER, MW1001);
    restart.depool(run(ExecutionMode.LIVE), slots);
    restart.depool(run(ExecutionMode.LIVE), slots);
    assertThat(conftool.writes).hasSize(1);
    restart.repool(run(ExecutionMode.LIVE), slots);
    assertThat(restart.repool(run(ExecutionMode.LIVE), slots).repooled()).isEqualTo(slots);
    assertThat(conftool.writes).hasSize(2);
  }

  @Test
  void anEntrySomeoneElseChangedIsLeftAsFoundAndReported() {
    List<HostRestart.PoolSlot> slots = restart.toDepool(APPSERVER, MW1001);
    restart.depool(run(ExecutionMode.LIVE), slots);
    set("apache2", "inactive");

    HostRestart.Repool repool = restart.repool(run(ExecutionMode.LIVE), slots);

    assertThat(repool.repooled()).isEmpty();
    assertThat(repool.leftAlone())
        .containsExactly(
            "eqiad/appserver/apache2/mw1001.eqiad.wmnet: inactive, changed by someone else, left"
                + " as found");
    assertThat(pooled("apache2")).isEqualTo("inactive");
    assertThatThrownBy(() -> restart.depool(run(ExecutionMode.LIVE), slots))
        .isInstanceOf(CheckFailedException.class)
        .hasMessageContaining("is inactive now, not pooled: someone changed it");
  }

  @Test
  void dryRunReadsForRealAndChangesNothing() {
    List<HostRestart.PoolSlot> slots = restart.toDepool(APPSERVER, MW1001);
    assertThat(restart.depool(run(ExecutionMode.DRY_RUN), slots)).isEqualTo(MutationOutcome.WOULD);
    assertThat(
            restart.restart(
                run(ExecutionMode.DRY_RUN), APPSERVER, MW1001, RollingRestartRequest.Action.RELOAD))
        .isEqualTo(MutationOutcome.WOULD);
    assertThat(pooled("apache2")).isEqualTo("yes");
    assertThat(host.executed).isEmpty();
    assertThat(conftool.writes)
        .containsExactly("would: pools/eqiad/appserver/apache2/mw1001.eqiad.wmnet");
  }

  @Test
  void aLostRegistrationOrAFailedUnitIsNamed() {
    host.registered = false;
    host.unitState = "failed";
    assertThat(restart.failedChecks(APPSERVER.postChecks(), APPSERVER, MW1001))
        .containsExactly(
            "systemd-active: php-fpm is failed",
            "proxy-registered: php-fpm: NOT registered with the proxy");
  }

  @Test
  void aFailedRestartNamesTheUnitAndLeavesTheRest() {
    host.restartFails = true;
    assertThatThrownBy(
            () ->
                restart.restart(
                    run(ExecutionMode.LIVE),
                    APPSERVER,
                    MW1001,
                    RollingRestartRequest.Action.RESTART))
        .isInstanceOf(CheckFailedException.class)
        .hasMessageStartingWith("mw1001.eqiad.wmnet: 'systemctl restart php-fpm' failed: Job for")
        .extracting(e -> ((CheckFailedException) e).check())
        .isEqualTo("command-succeeded");
    assertThat(host.executed).containsExactly("systemctl restart php-fpm");
  }

  /** One host: answers the checks' commands and runs the restart commands. */
  private static class FakeHost implements RemoteExecutor {
    final List<String> executed = new ArrayList<>();
    boolean registered = true;
    boolean restartFails;
    String unitState = "active";

    @Override
    public CommandResult query(String hostName, String command, Duration timeout) {
      if (command.startsWith("systemctl is-active ")) {
        return answer(hostName, command, unitState.equals("active") ? 0 : 3, unitState);
      }
      if (command.startsWith("check-service-registration ")) {
        String unit = command.substring("check-service-registration ".length());
        return registered
            ? answer(hostName, command, 0, unit + ": registered with the proxy")
            : answer(hostName, command, 1, unit + ": NOT registered with the proxy");
      }
      throw new AssertionError("unexpected query " + command);
    }

    @Override
    public CommandOutcome execute(
        RunContext run, String hostName, String datacenter, String command, Duration timeout) {
      if (run.mode() == ExecutionMode.DRY_RUN) {
        return new CommandOutcome(MutationOutcome.WOULD, null);
      }
      executed.add(command);
      if (restartFails && command.startsWith("systemctl restart")) {
        answer(
            hostName,
            command,
            1,
            "Job for php-fpm.service failed because the control process exited with error code.");
      }
      return new CommandOutcome(MutationOutcome.PERFORMED, answer(hostName, command, 0, ""));
    }

    private static CommandResult answer(String host, String command, int exit, String out) {
      CommandResult result = new CommandResult(host, command, exit, out + "\n", "", "SHA256:x", 1);
      if (exit != 0) {
        throw new RemoteExecutionException.NonZeroExit(result);
      }
      return result;
    }
  }
}
