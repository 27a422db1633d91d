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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.SocketFactory;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
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
import org.switchman.runbook.port.StepInterruptedException;

/**
 * {@link RemoteExecutor} over SSH with sshj: strict known_hosts, key authentication, one reused
 * connection per host (TCP_NODELAY, keep-alive), a global limit of concurrent sessions, capped
 * output.
 *
 * <p>Every wait on a host is bounded: the TCP connection by {@code connect-timeout}; the banner
 * (each read of the socket), the key exchange, the authentication and opening a session by {@code
 * handshake-timeout}; the command by its own timeout. A host that accepts TCP and then says nothing
 * fails as {@link RemoteExecutionException.Unreachable} naming the stage that got no answer.
 * Connections are opened under a lock per host, so a host that hangs delays only the commands for
 * that host.
 *
 * <p>Host keys are checked against the FQDN as written in known_hosts ({@code [fqdn]:port} for a
 * port other than 22), even when the address comes from a hosts file; an unknown or changed key is
 * refused at once and never retried. A refused connection is retried twice within half a second,
 * because a host whose sshd restarts refuses for a moment.
 *
 * <p>A thread interrupted while it waits (the application stops) gets {@link
 * StepInterruptedException}, with its interrupt flag kept, never a failure of the host.
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
  private final Map<String, ReentrantLock> connecting = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong handshakes =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * The threads that read a command's stdout and stderr while it runs, kept for the next command:
   * without an executor of its own, {@link
   * CompletableFuture#supplyAsync(java.util.function.Supplier)} starts a new thread for every read
   * on a machine with two cores, and on a larger one blocks threads of the common pool that other
   * work shares. The pool has no bound of its own: two threads read each running command, which
   * holds one of the {@code maxSessions} permits while they read (closing its session ends both
   * reads), so there are about twice that many at most; an idle one ends after a minute.
   */
  private final ExecutorService outputReaders = Executors.newCachedThreadPool(outputThreads());

  /** One host's client and the key it presented. */
  private record Connection(SSHClient client, String fingerprint) {}

  public SshRemoteExecutor(SshProperties settings, Mutations mutations) {
    this.settings = settings.validated();
    this.mutations = mutations;
    this.addresses = settings.hostsFile() == null ? Map.of() : readHosts(settings.hostsFile());
    this.sessions = new Semaphore(settings.maxSessions(), true);
    mutations.probe(
        Mutation.Kind.SSH_COMMAND, new SshCommandProbe(this, this.settings.commandTimeout()));
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
  public CommandOutcome execute(
      RunContext run, String host, String datacenter, String command, Duration timeout) {
    CommandResult[] ran = new CommandResult[1];
    Mutation mutation = new Mutation(Mutation.Kind.SSH_COMMAND, host, datacenter, command);
    MutationOutcome outcome;
    try {
      outcome =
          mutations.apply(
              run,
              mutation,
              () -> {
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
    return result.stderr().isEmpty()
        ? result.stdout()
        : result.stdout()
            + (result.stdout().endsWith("\n") ? "" : "\n")
            + "[stderr] "
            + result.stderr();
  }

  private CommandResult run(String host, String command, Duration timeout) {
    Duration limit = timeout == null ? settings.commandTimeout() : timeout;
    try {
      sessions.acquire();
    } catch (InterruptedException e) {
      throw interrupted("waiting for an SSH session to " + host, e);
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
          if (wasInterrupted(e)) {
            throw interrupted("'" + command + "' ran on " + host, e);
          }
          throw new RemoteExecutionException.CommandTimedOut(host, command, limit);
        }
        Integer exit = running.getExitStatus();
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new CommandResult(
            host,
            command,
            exit == null ? -1 : exit,
            stdout.get(limit.toMillis(), TimeUnit.MILLISECONDS),
            stderr.get(limit.toMillis(), TimeUnit.MILLISECONDS),
            connection.fingerprint(),
            millis);
      }
    } catch (RemoteExecutionException | StepInterruptedException e) {
      throw e;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new RemoteExecutionException.CommandTimedOut(host, command, limit);
    } catch (Exception e) {
      if (wasInterrupted(e)) {
        throw interrupted("'" + command + "' ran on " + host, e);
      }
      drop(host);
      throw new RemoteExecutionException.Unreachable(
          host, "the connection broke: " + e.getMessage(), e);
    } finally {
      sessions.release();
    }
  }

  /** Whether the thread was interrupted, or an interruption is among the causes. */
  private static boolean wasInterrupted(Throwable e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof InterruptedException
          || cause instanceof java.io.InterruptedIOException
              && !(cause instanceof SocketTimeoutException)) {
        return true;
      }
    }
    return false;
  }

  /** The interruption, with the thread's interrupt flag set again for the caller. */
  private static StepInterruptedException interrupted(String what, Throwable e) {
    Thread.currentThread().interrupt();
    if (e instanceof InterruptedException interruption) {
      return new StepInterruptedException(what, interruption);
    }
    InterruptedException interruption = new InterruptedException(e.getMessage());
    interruption.initCause(e);
    return new StepInterruptedException(what, interruption);
  }

  private static ThreadFactory outputThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "ssh-output-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private CompletableFuture<String> readCapped(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            byte[] all = in.readAllBytes();
            String text = new String(all, StandardCharsets.UTF_8);
            int cap = settings.outputCap();
            return text.length() <= cap
                ? text
                : text.substring(0, cap)
                    + "\n… ["
                    + (text.length() - cap)
                    + " more characters cut]";
          } catch (IOException e) {
            return "";
          }
        },
        outputReaders);
  }

  private Connection connection(String host) {
    Connection existing = connections.get(host);
    if (usable(existing)) {
      return existing;
    }
    ReentrantLock lock = connecting.computeIfAbsent(host, h -> new ReentrantLock());
    try {
      lock.lockInterruptibly();
    } catch (InterruptedException e) {
      throw interrupted("waiting to connect to " + host, e);
    }
    try {
      existing = connections.get(host);
      if (usable(existing)) {
        return existing;
      }
      if (existing != null) {
        drop(host);
      }
      Connection fresh = connect(host);
      connections.put(host, fresh);
      return fresh;
    } finally {
      lock.unlock();
    }
  }

  private static boolean usable(Connection connection) {
    return connection != null
        && connection.client().isConnected()
        && connection.client().isAuthenticated();
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
          throw interrupted("waiting to connect to " + host + " again", e);
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
    int handshakeMillis = Math.toIntExact(settings.handshakeTimeout().toMillis());
    SSHClient client = new SSHClient(sshConfig);
    client.addHostKeyVerifier(verifier);
    client.setConnectTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
    // SO_TIMEOUT: bounds the wait for the banner; sshj's reader ignores it once connected
    client.setTimeout(handshakeMillis);
    client.getTransport().setTimeoutMs(handshakeMillis);
    client.getConnection().setTimeoutMs(handshakeMillis);
    NoDelaySocketFactory sockets = new NoDelaySocketFactory();
    client.setSocketFactory(sockets);
    try {
      client.connect(address(host), settings.port());
    } catch (IOException e) {
      close(client);
      if (verifier.changed != null) {
        throw new RemoteExecutionException.HostKeyChanged(host, verifier.changed);
      }
      if (verifier.unknown != null) {
        throw new RemoteExecutionException.HostKeyUnknown(host, verifier.unknown);
      }
      if (wasInterrupted(e)) {
        throw interrupted("connecting to " + host, e);
      }
      if (e instanceof ConnectException) {
        throw new RemoteExecutionException.Refused(host, e);
      }
      if (!sockets.connected()) {
        throw new RemoteExecutionException.Unreachable(
            host,
            e instanceof SocketTimeoutException || e instanceof NoRouteToHostException
                ? "no answer within " + settings.connectTimeout()
                : e.getMessage(),
            e);
      }
      if (hasCause(e, SocketTimeoutException.class)) {
        // only the banner is read under the socket timeout; afterwards sshj's reader waits on
        throw new RemoteExecutionException.Unreachable(
            host,
            "it accepted the TCP connection but"
                + " sent no SSH banner within "
                + settings.handshakeTimeout(),
            e);
      }
      if (hasCause(e, java.util.concurrent.TimeoutException.class)) {
        throw new RemoteExecutionException.Unreachable(
            host, "the key exchange did not finish" + " within " + settings.handshakeTimeout(), e);
      }
      throw new RemoteExecutionException.Unreachable(host, e.getMessage(), e);
    }
    try {
      KeyProvider key = client.loadKeys(settings.keyFile().toString());
      client.authPublickey(settings.user(), key);
    } catch (IOException e) {
      close(client);
      if (wasInterrupted(e)) {
        throw interrupted("authenticating to " + host, e);
      }
      if (hasCause(e, java.util.concurrent.TimeoutException.class)) {
        throw new RemoteExecutionException.Unreachable(
            host,
            "it did not complete the" + " authentication within " + settings.handshakeTimeout(),
            e);
      }
      if (e instanceof UserAuthException) {
        throw new RemoteExecutionException.AuthenticationFailed(host, settings.user(), e);
      }
      throw new RemoteExecutionException.Unreachable(
          host, "authentication broke: " + e.getMessage(), e);
    }
    client.getConnection().getKeepAlive().setKeepAliveInterval(30);
    LOG.debug("Connected to {} ({})", host, verifier.verified);
    return new Connection(client, verifier.verified);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The address to connect to, carrying the FQDN as its name so that known_hosts is checked by
   * name.
   */
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
    outputReaders.shutdownNow();
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

  /**
   * known_hosts that never learns: unknown and changed keys are refused and remembered for the
   * error.
   */
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

  /**
   * Sockets with Nagle off (commands are small and latency matters), remembering whether the TCP
   * connection was accepted, so that a failure can say which stage got no answer.
   */
  private static final class NoDelaySocketFactory extends SocketFactory {
    private volatile Socket last;

    boolean connected() {
      Socket socket = last;
      return socket != null && socket.isConnected();
    }

    @Override
    public Socket createSocket() throws IOException {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      last = socket;
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
