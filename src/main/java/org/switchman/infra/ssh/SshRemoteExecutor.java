package org.switchman.infra.ssh;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchman.config.SshProperties;
import org.switchman.infra.Mutations;
import org.switchman.runbook.Mutation;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;

/**
 * {@link RemoteExecutor} over SSH with sshj: strict known_hosts, key authentication, one reused
 * connection per host (TCP_NODELAY, keep-alive), connect and command timeouts, a global limit of
 * concurrent sessions, capped output.
 *
 * <p>Host keys are checked against the FQDN as written in known_hosts ({@code [fqdn]:port} for a
 * port other than 22), even when the address comes from a hosts file. A refused connection is
 * retried twice within half a second, because a host whose sshd restarts refuses for a moment.
 */
public class SshRemoteExecutor implements RemoteExecutor, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SshRemoteExecutor.class);
  private static final long[] REFUSED_RETRY_PAUSES_MS = {100, 300};

  private final SshProperties settings;
  private final Mutations mutations;
  private final Map<String, String> addresses;
  private final Semaphore sessions;
  private final DefaultConfig sshConfig = new DefaultConfig();
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong handshakes = new java.util.concurrent.atomic.AtomicLong();

  /** One host's client and the key it presented. */
  private record Connection(SSHClient client, String fingerprint) {}

  public SshRemoteExecutor(SshProperties settings, Mutations mutations) {
    this.settings = settings.validated();
    this.mutations = mutations;
    this.addresses = settings.hostsFile() == null ? Map.of() : readHosts(settings.hostsFile());
    this.sessions = new Semaphore(settings.maxSessions(), true);
  }

  @Override
  public CommandResult query(String host, String command, Duration timeout) {
    CommandResult result = run(host, command, timeout);
    if (result.exitCode() != 0) {
      throw new RemoteExecutionException.NonZeroExit(result);
    }
    return result;
  }

  @Override
  public CommandOutcome execute(RunContext run, String host, String datacenter, String command,
      Duration timeout) {
    CommandResult[] ran = new CommandResult[1];
    Mutation mutation = new Mutation(Mutation.Kind.SSH_COMMAND, host, datacenter, command);
    MutationOutcome outcome;
    try {
      outcome = mutations.apply(run, mutation, () -> {
        CommandResult result = run(host, command, timeout);
        ran[0] = result;
        if (result.exitCode() != 0) {
          throw new RemoteExecutionException.NonZeroExit(result);
        }
        return new Mutations.Performed(output(result), result.hostKeyFingerprint());
      });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new CommandOutcome(outcome, ran[0]);
  }

  private static String output(CommandResult result) {
    return result.stderr().isEmpty() ? result.stdout()
        : result.stdout() + (result.stdout().endsWith("\n") ? "" : "\n") + "[stderr] " + result.stderr();
  }

  private CommandResult run(String host, String command, Duration timeout) {
    Duration limit = timeout == null ? settings.commandTimeout() : timeout;
    try {
      sessions.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteExecutionException.Unreachable(host, "interrupted while waiting for a session", e);
    }
    try {
      Connection connection = connection(host);
      long started = System.nanoTime();
      try (Session session = connection.client().startSession()) {
        Session.Command running = session.exec(command);
        CompletableFuture<String> stdout = readCapped(running.getInputStream());
        CompletableFuture<String> stderr = readCapped(running.getErrorStream());
        try {
          running.join(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ConnectionException e) {
          throw new RemoteExecutionException.CommandTimedOut(host, command, limit);
        }
        Integer exit = running.getExitStatus();
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new CommandResult(host, command, exit == null ? -1 : exit,
            stdout.get(limit.toMillis(), TimeUnit.MILLISECONDS),
            stderr.get(limit.toMillis(), TimeUnit.MILLISECONDS), connection.fingerprint(), millis);
      }
    } catch (RemoteExecutionException e) {
      throw e;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new RemoteExecutionException.CommandTimedOut(host, command, limit);
    } catch (Exception e) {
      drop(host);
      throw new RemoteExecutionException.Unreachable(host, "the connection broke: " + e.getMessage(), e);
    } finally {
      sessions.release();
    }
  }

  private CompletableFuture<String> readCapped(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.UTF_8);
        int cap = settings.outputCap();
        return text.length() <= cap ? text
            : text.substring(0, cap) + "\n… [" + (text.length() - cap) + " more characters cut]";
      } catch (IOException e) {
        return "";
      }
    });
  }

  private Connection connection(String host) {
    Connection existing = connections.get(host);
    if (existing != null && existing.client().isConnected() && existing.client().isAuthenticated()) {
      return existing;
    }
    synchronized (this) {
      existing = connections.get(host);
      if (existing != null && existing.client().isConnected() && existing.client().isAuthenticated()) {
        return existing;
      }
      if (existing != null) {
        drop(host);
      }
      Connection fresh = connect(host);
      connections.put(host, fresh);
      return fresh;
    }
  }

  private Connection connect(String host) {
    for (int attempt = 0; ; attempt++) {
      try {
        return connectOnce(host);
      } catch (RemoteExecutionException.Refused refused) {
        if (attempt >= REFUSED_RETRY_PAUSES_MS.length) {
          throw refused;
        }
        try {
          Thread.sleep(REFUSED_RETRY_PAUSES_MS[attempt]);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw refused;
        }
      }
    }
  }

  private Connection connectOnce(String host) {
    StrictKnownHosts verifier;
    try {
      verifier = new StrictKnownHosts(settings.knownHostsFile().toFile());
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read known_hosts " + settings.knownHostsFile(), e);
    }
    handshakes.incrementAndGet();
    SSHClient client = new SSHClient(sshConfig);
    client.addHostKeyVerifier(verifier);
    client.setConnectTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
    client.setSocketFactory(new NoDelaySocketFactory());
    try {
      client.connect(address(host), settings.port());
    } catch (TransportException e) {
      close(client);
      if (verifier.changed != null) {
        throw new RemoteExecutionException.HostKeyChanged(host, verifier.changed);
      }
      if (verifier.unknown != null) {
        throw new RemoteExecutionException.HostKeyUnknown(host, verifier.unknown);
      }
      throw new RemoteExecutionException.Unreachable(host, e.getMessage(), e);
    } catch (ConnectException e) {
      close(client);
      throw new RemoteExecutionException.Refused(host, e);
    } catch (SocketTimeoutException | NoRouteToHostException e) {
      close(client);
      throw new RemoteExecutionException.Unreachable(host,
          "no answer within " + settings.connectTimeout(), e);
    } catch (IOException e) {
      close(client);
      throw new RemoteExecutionException.Unreachable(host, e.getMessage(), e);
    }
    try {
      KeyProvider key = client.loadKeys(settings.keyFile().toString());
      client.authPublickey(settings.user(), key);
    } catch (UserAuthException e) {
      close(client);
      throw new RemoteExecutionException.AuthenticationFailed(host, settings.user(), e);
    } catch (IOException e) {
      close(client);
      throw new RemoteExecutionException.Unreachable(host, "authentication broke: " + e.getMessage(), e);
    }
    client.getConnection().getKeepAlive().setKeepAliveInterval(30);
    LOG.debug("Connected to {} ({})", host, verifier.verified);
    return new Connection(client, verifier.verified);
  }

  /** The address to connect to, carrying the FQDN as its name so that known_hosts is checked by name. */
  private InetAddress address(String host) throws IOException {
    String mapped = addresses.get(host);
    if (mapped == null) {
      return InetAddress.getByName(host);
    }
    return InetAddress.getByAddress(host, InetAddress.getByName(mapped).getAddress());
  }

  private void drop(String host) {
    Connection connection = connections.remove(host);
    if (connection != null) {
      close(connection.client());
    }
  }

  private static void close(SSHClient client) {
    try {
      client.disconnect();
    } catch (IOException | RuntimeException ignored) {
      // already broken
    }
  }

  /** How many SSH connections were opened so far (each one a handshake). */
  public long handshakes() {
    return handshakes.get();
  }

  @Override
  public void close() {
    for (String host : List.copyOf(connections.keySet())) {
      drop(host);
    }
  }

  private static Map<String, String> readHosts(Path file) {
    Map<String, String> map = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length >= 2 && !fields[0].startsWith("#")) {
          map.put(fields[0], fields[1]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read switchman.ssh.hosts-file " + file, e);
    }
    return Map.copyOf(map);
  }

  /** The OpenSSH form of a key's fingerprint: {@code SHA256:} and unpadded base64. */
  static String fingerprint(PublicKey key) {
    try {
      byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** known_hosts that never learns: unknown and changed keys are refused and remembered for the error. */
  private static final class StrictKnownHosts extends OpenSSHKnownHosts {
    volatile String unknown;
    volatile String changed;
    volatile String verified;

    StrictKnownHosts(File file) throws IOException {
      super(file);
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
      boolean ok = super.verify(hostname, port, key);
      if (ok) {
        verified = fingerprint(key);
      }
      return ok;
    }

    @Override
    protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
      unknown = fingerprint(key);
      return false;
    }

    @Override
    protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
      changed = fingerprint(key);
      return false;
    }
  }

  /** Sockets with Nagle off: commands are small and latency matters. */
  private static final class NoDelaySocketFactory extends SocketFactory {
    @Override
    public Socket createSocket() throws IOException {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      throw new UnsupportedOperationException("unconnected sockets only");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort) {
      throw new UnsupportedOperationException("unconnected sockets only");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
      throw new UnsupportedOperationException("unconnected sockets only");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) {
      throw new UnsupportedOperationException("unconnected sockets only");
    }
  }
}
