package org.switchman.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * A TCP proxy on 127.0.0.1 that the lab can partition: while partitioned it drops every open
 * connection and holds new ones without a byte, as a network partition would (clients time out,
 * they are not refused). One thread per direction and connection; the lab's clients are few.
 */
public final class LabTcpProxy implements AutoCloseable {

  private final String name;
  private final IntSupplier backendPort;
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean partitioned;

  /**
   * Listens on the port and forwards to the backend port read at each connection.
   *
   * @throws LabException if the port cannot be bound
   */
  public LabTcpProxy(String name, int port, IntSupplier backendPort) {
    this.name = name;
    this.backendPort = backendPort;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
    } catch (IOException e) {
      throw new LabException(
          "cannot listen on 127.0.0.1:" + port + " for " + name + ": " + e.getMessage(), e);
    }
    daemon("lab-proxy-" + name, this::acceptLoop).start();
  }

  /** Starts or ends the partition; starting it drops every open connection. */
  public void partition(boolean on) {
    partitioned = on;
    open.forEach(LabTcpProxy::closeQuietly);
    open.clear();
  }

  public boolean partitioned() {
    return partitioned;
  }

  @Override
  public void close() {
    closeQuietly(server);
    open.forEach(LabTcpProxy::closeQuietly);
    open.clear();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        return;
      }
      open.add(client);
      if (partitioned) {
        continue; // held open and unanswered until the partition ends
      }
      daemon("lab-proxy-" + name + "-connect", () -> connect(client)).start();
    }
  }

  private void connect(Socket client) {
    Socket backend = new Socket();
    try {
      backend.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort.getAsInt()), 2000);
    } catch (IOException e) {
      closeQuietly(backend);
      open.remove(client);
      closeQuietly(client); // the backend is down: the client sees the connection closed
      return;
    }
    open.add(backend);
    daemon("lab-proxy-" + name + "-up", () -> pump(client, backend)).start();
    pump(backend, client);
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      open.remove(from);
      open.remove(to);
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // best effort
    }
  }
}
