package org.switchman.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The lab's short directory for files whose path length is limited, above all Unix sockets: a
 * socket's path may not exceed 107 bytes ({@code sun_path}), while the lab directory lies wherever
 * the checkout does. Configuration, data and logs stay in the lab directory.
 *
 * <p>The directory is {@code /tmp/switchman-lab-<hash of the lab directory>}, mode 0700, with a
 * file {@code owner} that names the JVM running the lab (PID and start time). It is removed when
 * the lab stops, by the watchdog when the JVM dies, and, should both have been killed, by the next
 * lab start on the machine, which removes every such directory whose owner no longer runs.
 */
final class LabSocketDir {

  private static final Logger LOG = Logger.getLogger(LabSocketDir.class.getName());
  static final Path PARENT = Path.of("/tmp");
  static final String PREFIX = "switchman-lab-";
  private static final String OWNER = "owner";

  /** A directory without its owner file is being created, unless it is older than this. */
  private static final Duration CREATION = Duration.ofMinutes(1);

  private LabSocketDir() {}

  /** The directory of the lab that lives in {@code labDir}. */
  static Path of(Path labDir) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(labDir.toString().getBytes(StandardCharsets.UTF_8));
      return PARENT.resolve(PREFIX + HexFormat.of().formatHex(hash, 0, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Removes the directories of dead labs, then creates this lab's directory (0700) and its owner
   * file.
   *
   * @throws LabException if a running lab owns the directory (the same lab directory is in use)
   */
  static void create(Path dir, Path labDir) throws IOException {
    removeStale();
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Path owner = dir.resolve(OWNER);
      String who = Files.exists(owner) ? Files.readAllLines(owner).get(0) : "starting";
      throw new LabException(
          "a lab in "
              + labDir
              + " is already running ("
              + who
              + ", sockets in "
              + dir
              + "): stop it first, or give this lab another directory (switchman.data-dir or"
              + " switchman.lab.dir)");
    }
    Files.createDirectory(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    ProcessHandle self = ProcessHandle.current();
    Files.writeString(
        dir.resolve(OWNER),
        "pid "
            + self.pid()
            + "\n"
            + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L)
            + "\n"
            + labDir
            + "\n");
  }

  /** Removes every lab socket directory whose owner no longer runs. */
  static void removeStale() {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PARENT, PREFIX + "*")) {
      for (Path dir : dirs) {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && stale(dir)) {
          LOG.info(() -> "removing " + dir + ", left by a lab that no longer runs");
          LabFiles.deleteTree(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warning(() -> "cannot look for stale lab directories in " + PARENT + ": " + e);
    }
  }

  /** Whether the directory's owner has exited (or it never got one and is not new). */
  static boolean stale(Path dir) throws IOException {
    Path owner = dir.resolve(OWNER);
    if (!Files.exists(owner)) {
      return Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS)
          .toInstant()
          .isBefore(Instant.now().minus(CREATION));
    }
    List<String> lines = Files.readAllLines(owner);
    if (lines.size() < 2 || !lines.get(0).startsWith("pid ")) {
      return true;
    }
    long pid = Long.parseLong(lines.get(0).substring(4).strip());
    long started = Long.parseLong(lines.get(1).strip());
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      return true;
    }
    // the same PID given to another process later has another start time
    return process
        .get()
        .info()
        .startInstant()
        .map(Instant::toEpochMilli)
        .map(time -> started != 0 && time != started)
        .orElse(false);
  }
}
