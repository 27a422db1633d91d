package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortHoldersTest {

  private static final String SELF = "pid " + ProcessHandle.current().pid() + " (";

  @Test
  void namesTheProcessListeningOnATcpPort() throws Exception {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

      String holder = PortHolders.describe(socket.getLocalPort(), false);

      assertThat(holder).startsWith(SELF).contains("java");
    }
  }

  @Test
  void namesTheProcessBoundToAUdpPort() throws Exception {
    try (DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      assertThat(PortHolders.describe(socket.getLocalPort(), true)).startsWith(SELF);
    }
  }

  @Test
  void aPortThatNoSocketUsesHasNoHolder() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = socket.getLocalPort();
    }

    assertThat(PortHolders.describe(port, false)).isNull();
  }

  @Test
  void readsPortStateAndInodeFromAProcNetTable() {
    List<String> table =
        List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:80E9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 51234 1 0000000000000000 100 0 0 10 0",
            "   1: 0100007F:D431 0100007F:80E9 01 00000000:00000000 00:00000000 00000000     0        0 51240 1 0000000000000000 20 4 30 10 -1");

    assertThat(PortHolders.parse(table))
        .containsExactly(
            new PortHolders.Socket(33001, "0A", 51234), new PortHolders.Socket(54321, "01", 51240));
  }
}
