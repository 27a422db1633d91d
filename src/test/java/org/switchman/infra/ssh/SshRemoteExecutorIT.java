package org.switchman.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.switchman.audit.InMemoryJournal;
import org.switchman.audit.JournalEntry;
import org.switchman.config.SshProperties;
import org.switchman.infra.Mutations;
import org.switchman.lab.Lab;
import org.switchman.lab.LabExtension;
import org.switchman.lab.LabFault;
import org.switchman.lab.LabTopology;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;

/** The SSH adapter against the lab's real sshd fleet. Uses the codfw appservers (mw2001…). */
@ExtendWith(LabExtension.class)
class SshRemoteExecutorIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Lab lab;
  private final InMemoryJournal journal = new InMemoryJournal();
  private SshRemoteExecutor ssh;

  SshRemoteExecutorIT(Lab lab) {
    this.lab = lab;
  }

  private SshProperties settings(Path knownHosts, Path key) {
    return settings(knownHosts, key, Duration.ofSeconds(2));
  }

  private SshProperties settings(Path knownHosts, Path key, Duration handshakeTimeout) {
    return new SshProperties(
        lab.sshUser(),
        key,
        knownHosts,
        lab.hostsFile(),
        lab.sshPort(),
        Duration.ofSeconds(2),
        Duration.ofSeconds(20),
        16,
        4096,
        handshakeTimeout);
  }

  @BeforeEach
  void connect() {
    ssh =
        new SshRemoteExecutor(
            settings(lab.knownHostsFile(), lab.clientKeyFile()), new Mutations(journal));
  }

  @AfterEach
  void disconnect() {
    ssh.close();
  }

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-ssh", "ServiceTask_RestartUnit", "alice", mode, "eqiad");
  }

  @Test
  void queriesAndReusesTheConnection() {
    RemoteExecutor.CommandResult first = ssh.query("mw2001.codfw.wmnet", "hostname -f", TIMEOUT);
    assertThat(first.stdout().strip()).isEqualTo("mw2001.codfw.wmnet");
    assertThat(first.exitCode()).isZero();
    assertThat(first.hostKeyFingerprint()).startsWith("SHA256:");

    RemoteExecutor.CommandResult again =
        ssh.query("mw2001.codfw.wmnet", "systemctl is-active php-fpm", TIMEOUT);
    assertThat(again.stdout().strip()).isEqualTo("active");
    assertThat(ssh.handshakes()).as("the second command reuses the connection").isEqualTo(1);
  }

  /**
   * A command's output is read by threads the executor keeps for the next command, not by a thread
   * started for every read, and closing the executor stops them.
   */
  @Test
  void theOutputIsReadByThreadsKeptForTheNextCommandAndStoppedOnClose()
      throws InterruptedException {
    long before = outputReaders();
    for (int i = 0; i < 10; i++) {
      assertThat(ssh.query("mw2001.codfw.wmnet", "echo " + i, TIMEOUT).stdout().strip())
          .isEqualTo(String.valueOf(i));
    }
    // two reads per command; a reader that has not gone back to the pool yet when the next
    // command starts (on a busy machine) leaves the pool to start one more: a few threads, never
    // one per read
    assertThat(outputReaders() - before)
        .as("stdout and stderr of ten commands, one after another (20 reads), read by kept threads")
        .isBetween(1L, 4L);

    ssh.close();
    for (int i = 0; i < 50 && outputReaders() > before; i++) {
      Thread.sleep(100);
    }
    assertThat(outputReaders())
        .as("the readers stopped with the executor")
        .isLessThanOrEqualTo(before);
  }

  private static long outputReaders() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith("ssh-output-"))
        .count();
  }

  @Test
  void executeChangesTheHostAndJournalsTheCommandWithTheHostKey() {
    String host = "mw2002.codfw.wmnet";
    try {
      RemoteExecutor.CommandOutcome outcome =
          ssh.execute(run(ExecutionMode.LIVE), host, "codfw", "systemctl stop php-fpm", TIMEOUT);
      assertThat(outcome.outcome()).isEqualTo(MutationOutcome.PERFORMED);
      assertThatThrownBy(() -> ssh.query(host, "systemctl is-active php-fpm", TIMEOUT))
          .isInstanceOf(RemoteExecutionException.NonZeroExit.class)
          .hasMessageContaining("exited 3");
      JournalEntry performed = journal.all().get(1);
      assertThat(performed.outcome()).isEqualTo("PERFORMED");
      assertThat(performed.action()).isEqualTo("systemctl stop php-fpm");
      assertThat(performed.target()).isEqualTo(host);
      assertThat(performed.hostKeyFingerprint()).isEqualTo(outcome.result().hostKeyFingerprint());
    } finally {
      ssh.execute(run(ExecutionMode.LIVE), host, "codfw", "systemctl start php-fpm", TIMEOUT);
    }
    assertThat(ssh.query(host, "systemctl is-active php-fpm", TIMEOUT).stdout().strip())
        .isEqualTo("active");
  }

  @Test
  void dryRunDoesNotTouchTheHost() {
    String host = "mw2003.codfw.wmnet";
    RemoteExecutor.CommandOutcome outcome =
        ssh.execute(run(ExecutionMode.DRY_RUN), host, "codfw", "systemctl stop php-fpm", TIMEOUT);
    assertThat(outcome.outcome()).isEqualTo(MutationOutcome.WOULD);
    assertThat(outcome.result()).isNull();
    assertThat(ssh.query(host, "systemctl is-active php-fpm", TIMEOUT).stdout().strip())
        .isEqualTo("active");
    assertThat(journal.all())
        .singleElement()
        .extracting(JournalEntry::action)
        .isEqualTo("would: systemctl stop php-fpm");
  }

  @Test
  void liveTestRefusesTheActiveDatacenter() {
    RemoteExecutor.CommandOutcome outcome =
        ssh.execute(
            run(ExecutionMode.LIVE_TEST),
            "mw1009.eqiad.wmnet",
            "eqiad",
            "systemctl stop php-fpm",
            TIMEOUT);
    assertThat(outcome.outcome()).isEqualTo(MutationOutcome.REFUSED);
    assertThat(
            ssh.query("mw1009.eqiad.wmnet", "systemctl is-active php-fpm", TIMEOUT)
                .stdout()
                .strip())
        .isEqualTo("active");
  }

  @Test
  void aNonZeroExitCarriesTheResult() {
    assertThatThrownBy(
            () -> ssh.query("mw2004.codfw.wmnet", "systemctl is-active no-such-unit", TIMEOUT))
        .isInstanceOfSatisfying(
            RemoteExecutionException.NonZeroExit.class,
            e -> assertThat(e.result().exitCode()).isNotZero());
  }

  @Test
  void anUnknownHostKeyIsRefusedWithItsFingerprint() throws Exception {
    Path empty = Files.writeString(Files.createTempFile(Path.of("target"), "known_hosts", ""), "");
    try (SshRemoteExecutor stranger =
        new SshRemoteExecutor(settings(empty, lab.clientKeyFile()), new Mutations(journal))) {
      assertThatThrownBy(() -> stranger.query("mw2005.codfw.wmnet", "true", TIMEOUT))
          .isInstanceOf(RemoteExecutionException.HostKeyUnknown.class)
          .hasMessageContaining("mw2005.codfw.wmnet")
          .hasMessageContaining("SHA256:");
    } finally {
      Files.delete(empty);
    }
  }

  @Test
  void aChangedHostKeyIsRefused() {
    String host = "mw2006.codfw.wmnet";
    LabFault fault =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.HOST_KEY_CHANGED, host, null, null, null, null, null));
    try {
      assertThatThrownBy(() -> ssh.query(host, "true", TIMEOUT))
          .isInstanceOf(RemoteExecutionException.HostKeyChanged.class)
          .hasMessageContaining("CHANGED")
          .hasMessageContaining("(now SHA256:");
      assertThat(ssh.handshakes())
          .as("a changed key is refused at once, never retried")
          .isEqualTo(1);
    } finally {
      lab.faults().clear(fault.id());
    }
    assertThat(ssh.query(host, "true", TIMEOUT).exitCode()).isZero();
  }

  @Test
  void anUnreachableHostTimesOutAndARefusingOneIsRefused() {
    String host = "mw2007.codfw.wmnet";
    LabFault unreachable =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.HOST_UNREACHABLE, host, null, null, null, null, null));
    try {
      assertThatThrownBy(() -> ssh.query(host, "true", TIMEOUT))
          .isInstanceOf(RemoteExecutionException.Unreachable.class);
    } finally {
      lab.faults().clear(unreachable.id());
    }
    LabFault refusing =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.HOST_REFUSING, host, null, null, null, null, null));
    try {
      assertThatThrownBy(() -> ssh.query(host, "true", TIMEOUT))
          .isInstanceOf(RemoteExecutionException.Refused.class);
    } finally {
      lab.faults().clear(refusing.id());
    }
    assertThat(ssh.query(host, "true", TIMEOUT).exitCode()).isZero();
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsAbandoned() {
    String host = "mw2008.codfw.wmnet";
    LabFault slow =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.RESTART_SLOW, host, "php-fpm", null, null, 5, null));
    try {
      assertThatThrownBy(() -> ssh.query(host, "systemctl restart php-fpm", Duration.ofSeconds(1)))
          .isInstanceOf(RemoteExecutionException.CommandTimedOut.class)
          .hasMessageContaining("did not finish within PT1S");
    } finally {
      lab.faults().clear(slow.id());
    }
  }

  @Test
  void aHostThatAcceptsButNeverSpeaksFailsWithinTheHandshakeTimeoutAndDelaysNoOtherHost()
      throws Exception {
    Duration handshake = Duration.ofSeconds(5);
    String silent = "wtp2001.codfw.wmnet";
    String other = "wtp2002.codfw.wmnet";
    LabFault fault =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.HOST_SILENT, silent, null, null, null, null, null));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (SshRemoteExecutor fresh =
        new SshRemoteExecutor(
            settings(lab.knownHostsFile(), lab.clientKeyFile(), handshake),
            new Mutations(journal))) {
      long started = System.nanoTime();
      CompletableFuture<Long> silentFailedAfter =
          CompletableFuture.supplyAsync(
              () -> {
                Throwable failure = catchThrowable(() -> fresh.query(silent, "true", TIMEOUT));
                assertThat(failure)
                    .isInstanceOf(RemoteExecutionException.Unreachable.class)
                    .hasMessage(
                        silent
                            + " is unreachable: it accepted the TCP connection but sent no"
                            + " SSH banner within PT5S");
                return millisSince(started);
              },
              pool);
      Thread.sleep(500); // the silent host's handshake is under way

      long otherStarted = System.nanoTime();
      assertThat(fresh.query(other, "hostname -f", TIMEOUT).stdout().strip()).isEqualTo(other);
      long otherMillis = millisSince(otherStarted);
      boolean silentStillWaiting = !silentFailedAfter.isDone();
      long silentMillis = silentFailedAfter.get(30, java.util.concurrent.TimeUnit.SECONDS);
      System.out.printf(
          "silent host failed after %d ms (handshake timeout %s);"
              + " the other host answered in %d ms meanwhile%n",
          silentMillis, handshake, otherMillis);

      assertThat(silentStillWaiting)
          .as("the other host answered while the silent one still waited")
          .isTrue();
      assertThat(otherMillis).as("a connection to another host is not held up").isLessThan(2500);
      assertThat(silentMillis)
          .as("the silent host fails at its handshake timeout, not before")
          .isBetween(handshake.toMillis() - 100, handshake.toMillis() + 3000);
    } finally {
      pool.shutdownNow();
      lab.faults().clear(fault.id());
    }
    assertThat(ssh.query(silent, "true", TIMEOUT).exitCode())
        .as("speaks again once cleared")
        .isZero();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  @Test
  void aRestartThatTimesOutIsUnknownAndTheNextAttemptFindsItDone() throws Exception {
    String host = "mw2006.codfw.wmnet";
    LabFault slow =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.RESTART_SLOW, host, "envoyproxy", null, null, 3, null));
    RunContext first =
        new RunContext(
            "run-ssh-slow",
            "ServiceTask_RestartUnit",
            "alice",
            ExecutionMode.LIVE,
            "eqiad",
            "ServiceTask_RestartUnit:1");
    try {
      assertThatThrownBy(
              () ->
                  ssh.execute(
                      first, host, "codfw", "systemctl restart envoyproxy", Duration.ofSeconds(1)))
          .isInstanceOf(RemoteExecutionException.CommandTimedOut.class);
      assertThat(journal.all())
          .extracting(JournalEntry::outcome)
          .containsExactly("INTENT", "UNKNOWN");
      Thread.sleep(4000); // the abandoned restart finishes on the host
    } finally {
      lab.faults().clear(slow.id());
    }

    RunContext second =
        new RunContext(
            "run-ssh-slow",
            "ServiceTask_RestartUnit",
            "alice",
            ExecutionMode.LIVE,
            "eqiad",
            "ServiceTask_RestartUnit:2");
    RemoteExecutor.CommandOutcome again =
        ssh.execute(second, host, "codfw", "systemctl restart envoyproxy", TIMEOUT);

    assertThat(again.outcome()).isEqualTo(MutationOutcome.PERFORMED);
    assertThat(again.result()).as("not restarted a second time").isNull();
    assertThat(journal.all())
        .extracting(JournalEntry::outcome)
        .containsExactly("INTENT", "UNKNOWN", "RECONCILED");
    assertThat(journal.all().get(2).output())
        .startsWith(
            "applied\nsettles entry 1 (INTENT) and"
                + " entry 2 (UNKNOWN)\nobserved: envoyproxy is active on "
                + host
                + ", active since ");
    assertThat(
            ssh.query(host, "systemctl show -p ActiveEnterTimestamp envoyproxy", TIMEOUT).stdout())
        .startsWith("ActiveEnterTimestamp=")
        .endsWith("UTC\n");
  }

  @Test
  void aWrongKeyFailsAuthentication() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "wrong-key");
    Path key = dir.resolve("id_ed25519");
    Process keygen =
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(keygen.waitFor()).isZero();
    try (SshRemoteExecutor wrong =
        new SshRemoteExecutor(settings(lab.knownHostsFile(), key), new Mutations(journal))) {
      assertThatThrownBy(() -> wrong.query("mw2009.codfw.wmnet", "true", TIMEOUT))
          .isInstanceOf(RemoteExecutionException.AuthenticationFailed.class)
          .hasMessageContaining("did not accept the key of user " + lab.sshUser());
    } finally {
      org.springframework.util.FileSystemUtils.deleteRecursively(dir);
    }
  }

  /**
   * Fifty handshakes at once, with the default handshake timeout (10 s): the lab's sshd forks one
   * process per connection, and on a busy 2-core machine the last banners come later than the 2 s
   * the other tests allow.
   */
  @Test
  void fiftyHostsAtOnce() throws Exception {
    List<String> hosts =
        lab.topology().hosts().stream().map(LabTopology.Host::fqdn).limit(50).toList();
    assertThat(hosts).hasSize(50);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try (SshRemoteExecutor patient =
        new SshRemoteExecutor(
            settings(lab.knownHostsFile(), lab.clientKeyFile(), Duration.ofSeconds(10)),
            new Mutations(journal))) {
      List<CompletableFuture<String>> names =
          hosts.stream()
              .map(
                  h ->
                      CompletableFuture.supplyAsync(
                          () -> patient.query(h, "hostname -f", TIMEOUT).stdout().strip(), pool))
              .toList();
      assertThat(names.stream().map(CompletableFuture::join).toList()).isEqualTo(hosts);
    } finally {
      pool.shutdownNow();
    }
  }
}
