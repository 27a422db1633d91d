package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers of the lab wait for its start: the start is held on an executor that the test runs by
 * hand, so the order is fixed by the test, not by timing. The start fails before it runs any server
 * (its etcd port is taken, or a program is missing), so no server is needed.
 */
class LabStartOrderTest {

  private static final Duration BOUND = Duration.ofMillis(300);

  @Test
  void aSettingsBeanWaitsForTheStartAndThenGetsTheLabsOwnError(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      LabConfig tests = LabConfig.forTests(dir);
      LabConfig config =
          tests.relocated(dir.resolve("lab"), "127.250", taken.getLocalPort() - tests.etcdPort());
      List<Runnable> held = new ArrayList<>();
      Lab lab = new Lab(config, BOUND);
      CompletableFuture<Void> start = lab.startInBackground(held::add);
      LabAdapterSettings settings = new LabAdapterSettings();

      // the start has not run: the readers wait for it (up to their bound) instead of reading
      assertThat(held).hasSize(1);
      assertThatThrownBy(() -> settings.labSsh(lab))
          .isInstanceOf(LabException.class)
          .hasMessage(
              "the lab did not start within PT0.3S (its servers' logs are in "
                  + config.runDir()
                  + ")");
      assertThatThrownBy(lab::clientKeyFile)
          .isInstanceOf(LabException.class)
          .hasMessageStartingWith("the lab did not start within PT0.3S");
      assertThat(start).isNotDone();

      held.get(0).run();

      assertThat(start).isCompletedExceptionally();
      Throwable failure = catchThrowable(start::join);
      assertThat(failure).isInstanceOf(CompletionException.class);
      String labError = failure.getCause().getMessage();
      assertThat(failure.getCause()).isInstanceOf(LabException.class);
      assertThat(labError)
          .containsAnyOf(
              "127.0.0.1:"
                  + taken.getLocalPort()
                  + " is already in use by pid "
                  + ProcessHandle.current().pid(),
              "Debian package");
      for (ThrowingReader reader :
          List.<ThrowingReader>of(
              () -> settings.labSsh(lab),
              () -> settings.labEtcd(lab, new org.springframework.mock.env.MockEnvironment()),
              () -> settings.labDns(lab),
              () -> settings.labDb(lab),
              lab::clientKeyFile,
              lab::envVariables,
              () -> lab.mysqlPort("s1", "eqiad"))) {
        assertThatThrownBy(reader::read)
            .isInstanceOf(LabException.class)
            .hasMessage(labError)
            .hasCause(failure.getCause());
      }
      assertThat(lab.isRunning()).isFalse();
    }
  }

  @Test
  void aReaderOfALabThatWasNeverStartedIsToldSoAtOnce(@TempDir Path dir) {
    Lab lab = new Lab(LabConfig.forTests(dir), Duration.ofMinutes(10));

    assertThatThrownBy(lab::knownHostsFile)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the lab has not been started");
  }

  @Test
  void aLabClosedBeforeItsStartRanNeverStartsAndItsReadersAreTold(@TempDir Path dir) {
    List<Runnable> held = new ArrayList<>();
    Lab lab = new Lab(LabConfig.forTests(dir).relocated(dir.resolve("lab"), "127.251", 0), BOUND);
    CompletableFuture<Void> start = lab.startInBackground(held::add);

    lab.close();
    held.get(0).run();

    assertThat(start).isCompletedExceptionally();
    assertThatThrownBy(lab::hostsFile)
        .isInstanceOf(LabException.class)
        .hasMessage("the lab did not start: the lab was closed before it started");
    assertThat(lab.childPids()).isEmpty();
  }

  private interface ThrowingReader {
    Object read() throws Exception;
  }
}
