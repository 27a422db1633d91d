package org.switchman.lab;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Readiness probes for the lab's servers, and a wait loop. */
final class Readiness {

  private Readiness() {}

  /** How many lines of a failed server's log its error carries. */
  static final int LOG_LINES = 15;

  /**
   * Polls until the probe succeeds; fails early if the child has exited.
   *
   * @param log the server's log, whose last lines the error carries
   * @throws LabException naming the server, why it is not ready, and the end of its log
   */
  static void await(
      String what, Duration timeout, ChildProcesses.Child child, Path log, BooleanSupplier probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (probe.getAsBoolean()) {
        return;
      }
      if (child != null && !child.alive()) {
        throw new LabException(
            what
                + ": "
                + child.name()
                + " exited with code "
                + child.process().exitValue()
                + logEnd(log));
      }
      if (System.nanoTime() > deadline) {
        throw new LabException(what + " not ready after " + timeout + logEnd(log));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LabException("interrupted while waiting for " + what, e);
      }
    }
  }

  private static String logEnd(Path log) {
    String tail = LabFiles.tail(log, LOG_LINES);
    return tail.isEmpty()
        ? "; its log " + log + " is empty"
        : "; the end of its log " + log + ":\n" + tail.indent(2).stripTrailing();
  }

  /**
   * Whether a TCP server sends a greeting that starts with the given bytes.
   *
   * <p>The probe connects from another loopback address than the server's. Lab ports may lie in the
   * kernel's ephemeral range (they are reserved when the lab may, see {@link EphemeralPorts}), so a
   * probe of a port nobody listens on yet could otherwise be given that very port as its own and
   * connect to itself (TCP simultaneous open), holding the port the server is about to bind.
   */
  static boolean greets(String host, int port, byte[] prefix, int skip) {
    try (Socket socket = new Socket()) {
      socket.bind(
          new InetSocketAddress("127.0.0.1".equals(host) ? "127.255.255.254" : "127.0.0.1", 0));
      socket.connect(new InetSocketAddress(host, port), 500);
      socket.setSoTimeout(1000);
      InputStream in = socket.getInputStream();
      byte[] buffer = in.readNBytes(skip + prefix.length);
      if (buffer.length < skip + prefix.length) {
        return false;
      }
      for (int i = 0; i < prefix.length; i++) {
        if (buffer[skip + i] != prefix[i]) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether sshd answers with its banner. */
  static boolean sshBanner(String address, int port) {
    return greets(address, port, "SSH-2.0-".getBytes(StandardCharsets.US_ASCII), 0);
  }

  /** Whether MariaDB sends its protocol-10 handshake (byte 4 after the packet header). */
  static boolean mysqlHandshake(int port) {
    return greets("127.0.0.1", port, new byte[] {10}, 4);
  }

  /** Whether an authoritative DNS server answers a SOA query for the zone with NOERROR. */
  static boolean dnsSoa(int port, String zone) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(500);
      ByteBuffer query = ByteBuffer.allocate(512);
      query
          .putShort((short) 0x5a17)
          .putShort((short) 0)
          .putShort((short) 1)
          .putShort((short) 0)
          .putShort((short) 0)
          .putShort((short) 0);
      for (String label : zone.split("\\.")) {
        query.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
      }
      query.put((byte) 0).putShort((short) 6).putShort((short) 1);
      InetAddress localhost = InetAddress.getByName("127.0.0.1");
      socket.send(new DatagramPacket(query.array(), query.position(), localhost, port));
      byte[] answer = new byte[1500];
      DatagramPacket packet = new DatagramPacket(answer, answer.length);
      socket.receive(packet);
      int rcode = answer[3] & 0x0f;
      int answers = ((answer[6] & 0xff) << 8) | (answer[7] & 0xff);
      return packet.getLength() > 12 && rcode == 0 && answers > 0;
    } catch (IOException e) {
      return false;
    }
  }
}
