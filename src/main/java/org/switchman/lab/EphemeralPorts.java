package org.switchman.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Keeps the lab's fixed ports away from the kernel's ephemeral ports.
 *
 * <p>The kernel hands out local ports for outgoing connections from {@code
 * net.ipv4.ip_local_port_range} (usually 32768–60999), and the demo's MariaDB ports ({@code 33000 +
 * 10*i + d}) lie inside it: any connection on the machine may be given one of them as its local
 * port just before the lab binds it. Ports listed in {@code net.ipv4.ip_local_reserved_ports} are
 * never handed out, while an explicit bind still works, so the lab adds its ports to that list when
 * it may write it (as root) and otherwise says which command would. Reservations are only ever
 * added: other labs on the machine may rely on the same ones.
 */
final class EphemeralPorts {

  private static final Logger LOG = Logger.getLogger(EphemeralPorts.class.getName());
  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final Path RESERVED = Path.of("/proc/sys/net/ipv4/ip_local_reserved_ports");

  private EphemeralPorts() {}

  /**
   * Reserves those of the ports that lie inside the ephemeral range and are not reserved yet.
   *
   * @return the ports still exposed (empty when all are safe)
   */
  static List<Integer> reserve(Collection<Integer> ports) {
    int[] range = range();
    if (range == null) {
      return List.of();
    }
    TreeSet<Integer> reserved = parse(read(RESERVED));
    List<Integer> exposed = exposed(ports, range, reserved);
    if (exposed.isEmpty()) {
      return exposed;
    }
    TreeSet<Integer> wanted = new TreeSet<>(reserved);
    wanted.addAll(exposed);
    try {
      Files.writeString(RESERVED, format(wanted) + "\n", StandardCharsets.US_ASCII);
    } catch (IOException | SecurityException e) {
      // not root, or a read-only /proc/sys: said below
    }
    List<Integer> still = exposed(ports, range, parse(read(RESERVED)));
    if (still.isEmpty()) {
      LOG.info(
          () ->
              "reserved the lab ports "
                  + format(new TreeSet<>(exposed))
                  + " (net.ipv4.ip_local_reserved_ports): they lie in the ephemeral range "
                  + range[0]
                  + "-"
                  + range[1]);
    } else {
      LOG.warning(
          () ->
              "the lab ports "
                  + format(new TreeSet<>(still))
                  + " lie in the ephemeral"
                  + " range "
                  + range[0]
                  + "-"
                  + range[1]
                  + " and are not reserved: an outgoing connection"
                  + " may take one first. As root: sysctl -w net.ipv4.ip_local_reserved_ports="
                  + format(wanted));
    }
    return still;
  }

  /** The ports that lie inside the kernel's ephemeral range and are not reserved now. */
  static List<Integer> exposed(Collection<Integer> ports) {
    int[] range = range();
    return range == null ? List.of() : exposed(ports, range, parse(read(RESERVED)));
  }

  /** The ports that lie inside the range and are not reserved. */
  static List<Integer> exposed(Collection<Integer> ports, int[] range, TreeSet<Integer> reserved) {
    return ports.stream()
        .filter(p -> p >= range[0] && p <= range[1])
        .filter(p -> !reserved.contains(p))
        .distinct()
        .sorted()
        .toList();
  }

  /** Parses the kernel's list, such as {@code 33001-33002,40000}. */
  static TreeSet<Integer> parse(String list) {
    TreeSet<Integer> ports = new TreeSet<>();
    for (String part : list.strip().split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String[] bounds = part.strip().split("-");
      int from = Integer.parseInt(bounds[0]);
      int to = bounds.length > 1 ? Integer.parseInt(bounds[1]) : from;
      for (int p = from; p <= to; p++) {
        ports.add(p);
      }
    }
    return ports;
  }

  /** Formats ports as the kernel's list, runs as ranges: {@code 33001-33002,40000}. */
  static String format(TreeSet<Integer> ports) {
    List<String> parts = new ArrayList<>();
    Integer from = null;
    Integer to = null;
    for (int p : ports) {
      if (to != null && p == to + 1) {
        to = p;
        continue;
      }
      if (from != null) {
        parts.add(from.equals(to) ? from.toString() : from + "-" + to);
      }
      from = p;
      to = p;
    }
    if (from != null) {
      parts.add(from.equals(to) ? from.toString() : from + "-" + to);
    }
    return String.join(",", parts);
  }

  private static int[] range() {
    String[] bounds = read(RANGE).strip().split("\\s+");
    if (bounds.length != 2) {
      return null;
    }
    return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
  }

  private static String read(Path file) {
    // a stream: Files.readString reads only the first byte of a /proc/sys file
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }
}
