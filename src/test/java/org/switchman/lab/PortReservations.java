package org.switchman.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ports of test labs, reserved across the test JVMs of this machine (the build's parallel
 * forks, another checkout's build) from the moment a slot is picked until its lab is done: an
 * exclusive lock on one file per port under {@code java.io.tmpdir/switchman-test-lab-ports}.
 * Checking that ports are free is not enough when a lab starts seconds after its slot was picked
 * (inside an application context); two JVMs could pick the same slot in between. The operating
 * system drops the locks of a JVM that dies, so nothing stale is left behind.
 *
 * <p>A JVM re-uses its own reservations: its test classes run one after the other, and {@link
 * Lab#portsFree} tells whether the previous one's lab is really gone.
 */
final class PortReservations {

  /** Not under the prefix of the labs' socket directories, whose stale ones a lab start removes. */
  private static final Path DIR =
      Path.of(System.getProperty("java.io.tmpdir"), "switchman-test-lab-ports");

  /** Held locks by file name; pinned ones are kept for the JVM's life (the shared lab). */
  private static final Map<String, FileLock> HELD = new HashMap<>();

  private static final Set<String> PINNED = new HashSet<>();

  private PortReservations() {}

  /**
   * Reserves every port of the lab (etcd, DNS, MariaDB on 127.0.0.1; SSH on the lab's network), or
   * none of them.
   *
   * @param pinned kept until the JVM ends, instead of until {@link #releaseUnpinned()}
   * @return the reservations this call took (the others were this JVM's already), or {@code null}
   *     if another JVM holds one of them
   */
  static synchronized List<String> reserve(LabConfig config, boolean pinned) {
    List<String> names = names(config);
    List<String> taken = new ArrayList<>();
    for (String name : names) {
      if (HELD.containsKey(name)) {
        continue;
      }
      FileLock lock = tryLock(name);
      if (lock == null) {
        giveBack(taken);
        return null;
      }
      HELD.put(name, lock);
      taken.add(name);
    }
    if (pinned) {
      PINNED.addAll(names);
    }
    return taken;
  }

  /** Gives back what {@link #reserve} took, when the slot turns out to be unusable. */
  static synchronized void giveBack(List<String> taken) {
    for (String name : taken) {
      PINNED.remove(name);
      release(name);
    }
  }

  /** Gives back every reservation but the pinned ones; called when a test class is done. */
  static synchronized void releaseUnpinned() {
    for (String name : List.copyOf(HELD.keySet())) {
      if (!PINNED.contains(name)) {
        release(name);
      }
    }
  }

  private static List<String> names(LabConfig config) {
    List<String> names = new ArrayList<>();
    for (int port : Lab.ports(config)) {
      names.add(
          port == config.sshPort()
              ? "ssh-" + config.loopbackNetwork() + "-" + port
              : "port-" + port);
    }
    return names;
  }

  private static FileLock tryLock(String name) {
    try {
      Files.createDirectories(DIR);
      FileChannel channel =
          FileChannel.open(DIR.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
      }
      return lock;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reserve lab port " + name + " in " + DIR, e);
    }
  }

  private static void release(String name) {
    FileLock lock = HELD.remove(name);
    try {
      lock.channel().close(); // releases the lock
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release lab port " + name, e);
    }
  }
}
