package org.switchman.runbook.restart;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;

/**
 * How a host's slow-recovering filesystem says it is recovering after a boot, each known by the
 * name a host profile uses ({@link HostProfile#recovery}). Reading it only reads the host.
 */
public enum FilesystemRecovery {

  /** Nothing recovers after a boot: the filesystem is available as soon as the host is up. */
  NONE("none") {
    @Override
    public State read(RemoteExecutor remote, String host, Duration timeout) {
      return new State(false, Optional.empty(), "no recovery to wait for");
    }
  },

  /**
   * The OpenAFS file server salvages its partitions after an unclean shutdown ({@code bos status
   * HOST -long}, reference 002): while {@code salvaging file system} is reported the volumes are
   * unavailable, and afterwards {@code Process last started at} says since when the file server
   * serves.
   */
  AFS_SALVAGE("afs-salvage") {
    @Override
    public State read(RemoteExecutor remote, String host, Duration timeout) {
      String said;
      try {
        said = remote.query(host, "bos status " + host + " -long", timeout).stdout();
      } catch (RemoteExecutionException.NonZeroExit e) {
        // right after a boot the bosserver may not answer yet
        return new State(
            true, Optional.empty(), "bos does not answer yet: " + firstLine(e.result().stderr()));
      }
      if (said.contains("salvaging file system")) {
        return new State(true, Optional.empty(), "the file server is salvaging its partitions");
      }
      if (!said.contains("currently running normally")) {
        return new State(
            true, Optional.empty(), "the file server is not running yet: " + firstLine(said));
      }
      Matcher started = LAST_STARTED.matcher(said);
      if (!started.find()) {
        throw new IllegalStateException(
            host + ": bos status does not say when the file server last started");
      }
      // bos prints the host's local time: read it at the host's own offset
      String offset = remote.query(host, "date +%z", timeout).stdout().strip();
      try {
        Instant since =
            LocalDateTime.parse(started.group(1).replaceAll("\\s+", " "), BOS_TIME)
                .atOffset(ZoneOffset.of(offset))
                .toInstant();
        return new State(false, Optional.of(since), "the file server serves since " + since);
      } catch (DateTimeException e) {
        throw new IllegalStateException(
            host
                + ": bos status gives an unreadable start time '"
                + started.group(1)
                + "' (offset '"
                + offset
                + "')");
      }
    }
  };

  private static String firstLine(String text) {
    return text.strip().lines().findFirst().orElse("no answer");
  }

  private static final Pattern LAST_STARTED =
      Pattern.compile("Process last started at (\\w{3} \\w{3}\\s+\\d{1,2} [\\d:]{8} \\d{4})");

  /** {@code Wed Dec 2 21:05:10 2026}, the hosts' clock being UTC. */
  private static final DateTimeFormatter BOS_TIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.US);

  private final String recoveryName;

  FilesystemRecovery(String recoveryName) {
    this.recoveryName = recoveryName;
  }

  /** The name a host profile uses, such as {@code afs-salvage}. */
  public String recoveryName() {
    return recoveryName;
  }

  /** The recovery of that name; empty for a name no recovery has. */
  public static Optional<FilesystemRecovery> named(String name) {
    return Arrays.stream(values()).filter(r -> r.recoveryName.equals(name)).findFirst();
  }

  /** Every recovery's name, for messages that list what may be named. */
  public static List<String> names() {
    return Arrays.stream(values()).map(FilesystemRecovery::recoveryName).toList();
  }

  /**
   * Reads where the recovery stands.
   *
   * @throws org.switchman.runbook.port.RemoteExecutionException when the host does not answer
   * @throws IllegalStateException when the answer is not one this reader knows (a host that does
   *     not answer yet, or a file server not running yet, counts as still recovering)
   */
  public abstract State read(RemoteExecutor remote, String host, Duration timeout);

  /**
   * Where a recovery stands.
   *
   * @param running whether it still runs: the filesystem is not available yet
   * @param availableSince since when the filesystem is available, when the host says; a service
   *     that became active before this started without it
   * @param words what the host said, for the live view and the report
   */
  public record State(boolean running, Optional<Instant> availableSince, String words) {}
}
