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
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;

class HostRestartTest {

  private static final HostRestart.Target MW1001 =
      new HostRestart.Target("mw1001.eqiad.wmnet", "eqiad", "appserver", "apache2", "php-fpm");

  private final FakeConftool conftool = new FakeConftool();
  private final FakeHost host = new FakeHost();
  private final HostRestart restart = new HostRestart(host, conftool, Duration.ofSeconds(30));

  @BeforeEach
  void pooledAndRunning() {
    setPooled("yes");
  }

  private void setPooled(String state) {
    conftool.putPool(
        new Conftool.PoolEntry("eqiad", "appserver", "apache2", "mw1001.eqiad.wmnet", state, 10));
  }

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-1", "ServiceTask_RestartHost", "alice", mode, "eqiad");
  }

  @Test
  void theFullRestartRunsInTheReferenceOrder() {
    restart.depool(run(ExecutionMode.LIVE), MW1001);
    restart.restart(run(ExecutionMode.LIVE), MW1001);
    restart.checkActive(MW1001);
    restart.checkRegistered(MW1001);
    restart.repool(run(ExecutionMode.LIVE), MW1001);

    assertThat(host.executed).containsExactly("depool", "systemctl restart php-fpm", "pool");
    assertThat(
            conftool
                .poolEntry("eqiad", "appserver", "apache2", "mw1001.eqiad.wmnet")
                .orElseThrow()
                .value()
                .pooled())
        .isEqualTo("yes");
  }

  @Test
  void depoolAndRepoolAreIdempotent() {
    setPooled("no");
    restart.depool(run(ExecutionMode.LIVE), MW1001);
    assertThat(host.executed).isEmpty();
    setPooled("yes");
    restart.repool(run(ExecutionMode.LIVE), MW1001);
    assertThat(host.executed).isEmpty();
  }

  @Test
  void aDepoolThatDidNotReachConftoolIsACheckFailure() {
    host.poolCommandsWork = false;
    assertThatThrownBy(() -> restart.depool(run(ExecutionMode.LIVE), MW1001))
        .isInstanceOf(CheckFailedException.class)
        .hasMessageContaining("mw1001.eqiad.wmnet is still pooled in conftool after depool");
  }

  @Test
  void dryRunRunsNothingAndSkipsTheReadBack() {
    assertThat(restart.depool(run(ExecutionMode.DRY_RUN), MW1001)).isEqualTo(MutationOutcome.WOULD);
    assertThat(restart.restart(run(ExecutionMode.DRY_RUN), MW1001))
        .isEqualTo(MutationOutcome.WOULD);
    assertThat(host.executed).isEmpty();
  }

  @Test
  void aLostRegistrationIsCaught() {
    host.registered = false;
    assertThatThrownBy(() -> restart.checkRegistered(MW1001))
        .isInstanceOf(CheckFailedException.class)
        .hasMessage("mw1001.eqiad.wmnet: php-fpm: NOT registered with the proxy")
        .extracting(e -> ((CheckFailedException) e).check())
        .isEqualTo("service-registered");
  }

  @Test
  void aFailedUnitIsNamed() {
    host.unitState = "failed";
    assertThatThrownBy(() -> restart.checkActive(MW1001))
        .hasMessage("php-fpm on mw1001.eqiad.wmnet is failed, not active");
  }

  @Test
  void aFailedRestartCommandIsACheckFailure() {
    host.restartFails = true;
    assertThatThrownBy(() -> restart.restart(run(ExecutionMode.LIVE), MW1001))
        .isInstanceOf(CheckFailedException.class)
        .hasMessageContaining("exited 1");
  }

  /** One host: answers the commands HostRestart runs, and changes conftool as depool/pool do. */
  private class FakeHost implements RemoteExecutor {
    final List<String> executed = new ArrayList<>();
    boolean poolCommandsWork = true;
    boolean registered = true;
    boolean restartFails;
    String unitState = "active";

    @Override
    public CommandResult query(String hostName, String command, Duration timeout) {
      if (command.equals("systemctl is-active php-fpm")) {
        return answer(hostName, command, unitState.equals("active") ? 0 : 3, unitState);
      }
      if (command.equals("check-service-registration php-fpm")) {
        return registered
            ? answer(hostName, command, 0, "php-fpm: registered with the proxy")
            : answer(hostName, command, 1, "php-fpm: NOT registered with the proxy");
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
      if (poolCommandsWork && (command.equals("depool") || command.equals("pool"))) {
        setPooled(command.equals("pool") ? "yes" : "no");
      }
      int exit = command.startsWith("systemctl restart") && restartFails ? 1 : 0;
      return new CommandOutcome(MutationOutcome.PERFORMED, answer(hostName, command, exit, ""));
    }

    private CommandResult answer(String hostName, String command, int exit, String stdout) {
      CommandResult result =
          new CommandResult(hostName, command, exit, stdout + "\n", "", "SHA256:x", 1);
      if (exit != 0) {
        throw new RemoteExecutionException.NonZeroExit(result);
      }
      return result;
    }
  }

  @org.junit.jupiter.api.Test
  void aUnitThatIsNotAPlainNameIsRefusedBeforeAnyCommandIsBuilt() {
    for (String unit :
        java.util.List.of("php-fpm; reboot", "a b", "$(id)", "x`id`", "", "nginx\nreboot")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  new HostRestart.Target(
                      "mw1001.eqiad.wmnet", "eqiad", "appserver", "apache2", unit))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("systemd unit name");
    }
    org.assertj.core.api.Assertions.assertThat(
            new HostRestart.Target(
                    "mw1001.eqiad.wmnet",
                    "eqiad",
                    "appserver",
                    "apache2",
                    "envoyproxy@main.service")
                .unit())
        .isEqualTo("envoyproxy@main.service");
  }
}
