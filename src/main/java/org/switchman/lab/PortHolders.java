package org.switchman.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who holds a local port: the process that owns a socket bound to it, read from {@code
 * /proc/net/tcp[6]} or {@code /proc/net/udp[6]} and {@code /proc/[pid]/fd} (Linux).
 */
final class PortHolders {

  private static final Path PROC = Path.of("/proc");
  private static final String TCP_LISTEN = "0A";

  private PortHolders() {}

  /**
   * A description of the processes holding the port, such as {@code "pid 4242 (mariadbd
   * --defaults-file=/srv/lab/my.cnf)"}, or null when no socket uses it or /proc does not say.
   */
  static String describe(int port, boolean udp) {
    Set<Long> inodes = new LinkedHashSet<>();
    boolean connectionOnly = true;
    for (String table : udp ? List.of("udp", "udp6") : List.of("tcp", "tcp6")) {
      for (Socket socket : sockets(PROC.resolve("net").resolve(table))) {
        if (socket.port() == port && socket.inode() != 0) {
          inodes.add(socket.inode());
          connectionOnly &= !udp && !socket.state().equals(TCP_LISTEN);
        }
      }
    }
    if (inodes.isEmpty()) {
      return null;
    }
    Set<String> holders = new LinkedHashSet<>();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path process : processes) {
        if (holdsAny(process, inodes)) {
          holders.add("pid " + process.getFileName() + " (" + commandLine(process) + ")");
        }
      }
    } catch (IOException e) {
      return null;
    }
    if (holders.isEmpty()) {
      return "a socket of a process that cannot be seen from here";
    }
    return (connectionOnly ? "a connection of " : "") + String.join(", ", holders);
  }

  /** One row of a /proc/net socket table. */
  record Socket(int port, String state, long inode) {}

  /** The rows of a /proc/net socket table; none if it cannot be read. */
  static List<Socket> sockets(Path table) {
    try {
      return parse(Files.readAllLines(table, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Parses the lines of a /proc/net/{tcp,udp}[6] table, header included. */
  static List<Socket> parse(List<String> lines) {
    return lines.stream()
        .skip(1)
        .map(String::trim)
        .filter(line -> !line.isEmpty())
        .map(line -> line.split("\\s+"))
        .filter(fields -> fields.length > 9)
        .map(
            fields ->
                new Socket(
                    Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16),
                    fields[3].toUpperCase(Locale.ROOT),
                    Long.parseLong(fields[9])))
        .toList();
  }

  private static boolean holdsAny(Path process, Set<Long> inodes) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
      for (Path fd : fds) {
        String target = readLink(fd);
        if (target.startsWith("socket:[")
            && inodes.contains(Long.parseLong(target.substring(8, target.length() - 1)))) {
          return true;
        }
      }
    } catch (IOException | RuntimeException gone) {
      // exited meanwhile, or not ours to read
    }
    return false;
  }

  private static String readLink(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return "";
    }
  }

  private static String commandLine(Path process) {
    try (InputStream in = Files.newInputStream(process.resolve("cmdline"))) {
      String line =
          new String(in.readAllBytes(), StandardCharsets.UTF_8).replace('\0', ' ').strip();
      return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    } catch (IOException e) {
      return "?";
    }
  }
}
