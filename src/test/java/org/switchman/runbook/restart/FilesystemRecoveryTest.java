package org.switchman.runbook.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;

/** Reading where a filesystem recovery stands from what {@code bos status -long} prints. */
class FilesystemRecoveryTest {

  private static final String HOST = "afs1001.eqiad.wmnet";

  private String said;
  private String offset = "+0000";
  private boolean answering = true;

  private final RemoteExecutor host =
      new RemoteExecutor() {
        @Override
        public CommandResult query(String hostName, String command, Duration timeout) {
          if (command.equals("date +%z")) {
            return new CommandResult(hostName, command, 0, offset + "\n", "", "SHA256:x", 1);
          }
          assertThat(command).isEqualTo("bos status " + HOST + " -long");
          if (!answering) {
            throw new RemoteExecutionException.NonZeroExit(
                new CommandResult(
                    hostName,
                    command,
                    1,
                    "",
                    "bos: failed to contact host's bosserver (communications failure (-1)).",
                    "SHA256:x",
                    1));
          }
          return new CommandResult(hostName, command, 0, said, "", "SHA256:x", 1);
        }

        @Override
        public CommandOutcome execute(
            RunContext run, String hostName, String dc, String command, Duration timeout) {
          throw new AssertionError("reading the recovery ran a change: " + command);
        }
      };

  private FilesystemRecovery.State read() {
    return FilesystemRecovery.AFS_SALVAGE.read(host, HOST, Duration.ofSeconds(5));
  }

  @Test
  void aSalvageRunsUntilBosSaysTheFileServerRunsAndSinceWhen() {
    said =
        "Instance fs, (type is fs) temporarily disabled, currently shutdown.\n"
            + "    Auxiliary status is: salvaging file system.\n";
    assertThat(read().running()).isTrue();
    assertThat(read().availableSince()).isEmpty();

    said =
        "Instance fs, (type is fs) currently running normally.\n"
            + "    Auxiliary status is: file server running.\n"
            + "    Process last started at Wed Dec  2 21:05:10 2026 (1 proc starts)\n";
    FilesystemRecovery.State done = read();
    assertThat(done.running()).isFalse();
    assertThat(done.availableSince()).contains(Instant.parse("2026-12-02T21:05:10Z"));

    offset = "-0500";
    assertThat(read().availableSince())
        .as("bos prints the host's local time")
        .contains(Instant.parse("2026-12-03T02:05:10Z"));
  }

  @Test
  void aBosserverNotAnsweringYetOrAFileServerNotRunningYetIsStillRecovering() {
    answering = false;
    assertThat(read().running()).isTrue();
    assertThat(read().words()).startsWith("bos does not answer yet: bos: failed to contact");

    answering = true;
    said = "Instance fs, (type is fs) disabled, currently shutdown.\n";
    assertThat(read().running()).isTrue();
    assertThat(read().words()).contains("not running yet");
  }

  @Test
  void aRunningFileServerThatDoesNotSaySinceWhenIsRefused() {
    said = "Instance fs, (type is fs) currently running normally.\n";
    assertThatThrownBy(this::read).hasMessageContaining("does not say when the file server");
  }

  @Test
  void nothingRecoversOnAHostWithoutARecoveryAndEveryNameIsKnown() {
    assertThat(FilesystemRecovery.NONE.read(host, HOST, Duration.ofSeconds(5)).running()).isFalse();
    assertThat(FilesystemRecovery.names()).containsExactly("none", "afs-salvage");
    assertThat(FilesystemRecovery.named("afs-salvage")).contains(FilesystemRecovery.AFS_SALVAGE);
    assertThat(FilesystemRecovery.named("fsck")).isEmpty();
  }
}
