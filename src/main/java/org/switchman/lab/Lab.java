package org.switchman.lab;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The lab: real etcd, BIND, MariaDB masters and an SSH fleet, started as child processes on
 * loopback so that Switchman can be seen working against the servers it drives in production.
 *
 * <p>{@link #start()} starts everything in parallel and returns when every server answers its
 * readiness probe (etcd {@code /health}, a DNS SOA answer, the MariaDB handshake, the SSH banner).
 * {@link #close()} stops everything and removes the runtime directory, the socket directory and
 * {@code lab.env}. Children are tied to the JVM: they run under {@code setpriv --pdeathsig TERM}, a
 * shutdown hook closes the lab, and a watchdog child removes the runtime files if the JVM is
 * killed. The lab uses no firewall rules.
 *
 * <p>Readers never see a half-started lab: every getter that describes a server or one of its files
 * ({@link #clientKeyFile()}, {@link #mysqlPort}, {@link #envVariables()}, …) waits until the start
 * has finished, at most {@link #startTimeout()}, and throws the start's own error if it failed. A
 * lab that fails to start stops what it started and keeps its runtime directory (the servers'
 * configuration and logs) until the next start; its error names the failing server and ends with
 * the last lines of that server's log.
 *
 * <p>Secrets (the TSIG key, the MariaDB passwords) are generated for each start and written only to
 * lab files with mode 0600.
 *
 * <p>Thread-safe; one instance runs one lab once.
 */
public final class Lab implements AutoCloseable {

  // java.util.logging, not SLF4J: the lab also runs from its classes alone, without the
  // application's libraries (LabLauncher, as LabCleanupIT starts it)
  private static final Logger LOG = Logger.getLogger(Lab.class.getName());

  /** How long readers wait for a starting lab unless told otherwise. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(3);

  private final LabConfig config;
  private final LabTopology topology;
  private final Duration startTimeout;
  private final LabSecrets secrets = LabSecrets.generate();
  private final AtomicBoolean startRequested = new AtomicBoolean();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private ChildProcesses processes;
  private LabEtcd etcd;
  private LabDns dns;
  private LabMariadb mariadb;
  private LabFleet fleet;
  private LabFaults faults;
  private ChildProcesses.Child watchdog;
  private ExecutorService pool;
  private Thread shutdownHook;

  /** Whether this lab created the socket directory, and so owns the lab directory's files. */
  private boolean ownsFiles;

  /** Whether the start failed: the runtime directory is then kept for its logs. */
  private boolean failed;

  private boolean closed;
  private boolean stoppedByOwner;
  private volatile boolean running;
  private Duration startupTime;

  /** A lab for this configuration; nothing runs until {@link #start()}. */
  public Lab(LabConfig config) {
    this(config, DEFAULT_START_TIMEOUT);
  }

  /** A lab for this configuration whose readers wait at most {@code startTimeout} for its start. */
  public Lab(LabConfig config, Duration startTimeout) {
    this.config = config;
    this.topology = new LabTopology(config);
    this.startTimeout = startTimeout;
  }

  /**
   * Leaves the stop to the owner's {@link #close()} when the JVM exits normally: the lab adds no
   * shutdown hook of its own, which the JVM would run alongside the owner's. The application's
   * {@code lab} profile uses this, so that a SIGTERM lets running steps finish against a lab that
   * still runs and stops the lab last. Servers still die with the JVM, however it ends (each is
   * tied to it, and the watchdog removes what is left). Call before the start.
   *
   * @return this lab
   */
  public synchronized Lab stoppedByOwner() {
    if (startRequested.get()) {
      throw new IllegalStateException("the lab has already been started");
    }
    stoppedByOwner = true;
    return this;
  }

  /** Creates and starts a lab. */
  public static Lab start(LabConfig config) {
    Lab lab = new Lab(config);
    lab.start();
    return lab;
  }

  /**
   * Starts the lab on a background thread and returns at once; {@link #awaitStarted(Duration)} and
   * every getter wait for it. Used by the {@code lab} profile, so that the lab and the engine start
   * together.
   *
   * @return completes when the lab has started, or with the start's error
   */
  public CompletableFuture<Void> startInBackground() {
    return startInBackground(
        task -> {
          Thread t = new Thread(task, "lab-start");
          t.setDaemon(true);
          t.start();
        });
  }

  /** Starts the lab on the executor, once; later calls only return the start's future. */
  CompletableFuture<Void> startInBackground(Executor executor) {
    if (startRequested.compareAndSet(false, true)) {
      executor.execute(
          () -> {
            try {
              startNow();
            } catch (RuntimeException failure) {
              // the future carries it to every reader
            }
          });
    }
    return started.copy();
  }

  /**
   * Waits until the lab has started, whether by {@link #start()} or {@link #startInBackground()}.
   *
   * @return this lab, started
   * @throws IllegalStateException if no start was asked for
   * @throws LabException with the start's own message if it failed, or if it did not finish in time
   */
  public Lab awaitStarted(Duration timeout) {
    if (!startRequested.get()) {
      throw new IllegalStateException("the lab has not been started");
    }
    try {
      started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return this;
    } catch (ExecutionException e) {
      throw new LabException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new LabException(
          "the lab did not start within "
              + timeout
              + " (its servers' logs are"
              + " in "
              + config.runDir()
              + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while waiting for the lab", e);
    }
  }

  /** How long the getters wait for a starting lab. */
  public Duration startTimeout() {
    return startTimeout;
  }

  private Lab ready() {
    return awaitStarted(startTimeout);
  }

  /**
   * Starts every server in parallel and waits until all are ready, then writes {@code lab.env}.
   *
   * @throws LabException if a program is missing (the message names the Debian package), a port is
   *     taken (the message names the process holding it), or a server does not become ready (the
   *     message ends with the last lines of its log); whatever was started is stopped again
   */
  public void start() {
    if (!startRequested.compareAndSet(false, true)) {
      throw new IllegalStateException("this lab has already been started");
    }
    startNow();
  }

  private synchronized void startNow() {
    long t0 = System.nanoTime();
    Path run = config.runDir();
    try {
      if (closed) {
        throw new LabException("the lab was closed before it started");
      }
      RequiredPrograms.check();
      checkPortsFree();
      EphemeralPorts.reserve(ports(config));
      LabSocketDir.create(config.socketDir(), config.labDir());
      ownsFiles = true;
      LabFiles.deleteTree(run);
      Files.createDirectories(run);
      Files.writeString(run.resolve("pids"), "");
      processes = new ChildProcesses(run.resolve("pids"));
      if (!stoppedByOwner) {
        shutdownHook = new Thread(this::closeFromHook, "lab-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
      }
      startWatchdog();
      AtomicInteger n = new AtomicInteger();
      pool =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "lab-start-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      Path tsigKey = run.resolve("tsig.key");
      LabFiles.writeSecret(
          tsigKey,
          "key \""
              + LabDns.TSIG_KEY_NAME
              + "\" {\n  algorithm hmac-sha256;\n  secret \""
              + secrets.tsigSecret()
              + "\";\n};\n");
      LabFiles.writeSecret(
          run.resolve("mysql-admin-password"), secrets.mysqlAdminPassword() + "\n");
      etcd = new LabEtcd(config, topology, processes);
      dns = new LabDns(config, processes, tsigKey);
      mariadb = new LabMariadb(config, processes, secrets);
      fleet = new LabFleet(config, topology, processes);
      List<CompletableFuture<Void>> parts = new ArrayList<>();
      parts.add(CompletableFuture.runAsync(timed("etcd", t0, io(etcd::start)), pool));
      parts.add(CompletableFuture.runAsync(timed("dns", t0, io(dns::start)), pool));
      parts.add(
          CompletableFuture.runAsync(timed("mariadb", t0, io(() -> mariadb.start(pool))), pool));
      parts.add(CompletableFuture.runAsync(timed("fleet", t0, io(() -> fleet.start(pool))), pool));
      LabFiles.join(parts);
      faults = new LabFaults(topology, etcd, dns, mariadb, fleet);
      writeEnvFile();
      running = true;
      startupTime = Duration.ofNanos(System.nanoTime() - t0);
      LOG.info(
          () ->
              "lab started in "
                  + startupTime.toMillis()
                  + " ms: "
                  + topology.hosts().size()
                  + " hosts, "
                  + mariadb.instances().size()
                  + " MariaDB masters; env file "
                  + config.envFile());
      started.complete(null);
    } catch (IOException | RuntimeException e) {
      failed = true;
      stopEverything();
      LabException failure;
      if (e instanceof LabPortsInUseException taken) {
        failure = taken;
      } else {
        String message =
            "the lab did not start: " + (e instanceof LabException ? e.getMessage() : e.toString());
        if (ownsFiles && Files.isDirectory(run)) {
          message +=
              "\n(the lab's configuration and logs are kept in " + run + " until its next start)";
        }
        failure = new LabException(message, e);
      }
      started.completeExceptionally(failure);
      throw failure;
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static Runnable timed(String part, long t0, Runnable action) {
    return () -> {
      action.run();
      LOG.fine(() -> part + " ready after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    };
  }

  private static Runnable io(IoAction action) {
    return () -> {
      try {
        action.run();
      } catch (IOException e) {
        throw new LabException(e.getMessage(), e);
      }
    };
  }

  private void startWatchdog() throws IOException {
    String script;
    try (InputStream in = Lab.class.getResourceAsStream("/lab/watchdog.sh")) {
      if (in == null) {
        throw new LabException("resource /lab/watchdog.sh is missing from the classpath");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    watchdog =
        processes.start(
            "watchdog",
            List.of(
                "/bin/bash",
                "-c",
                script,
                "lab-watchdog",
                config.runDir().toString(),
                config.envFile().toString(),
                config.socketDir().toString()),
            config.runDir().resolve("watchdog.log"),
            Map.of());
  }

  private void checkPortsFree() {
    String taken = takenEndpoint(config);
    if (taken != null) {
      throw new LabPortsInUseException(
          taken
              + ". Stop that program, or start"
              + " this lab with other ports (switchman.lab.port-offset and"
              + " switchman.lab.loopback-network, or LabConfig.relocated).");
    }
  }

  /** Every TCP port the lab binds on 127.0.0.1, then the SSH port (on the fleet's addresses). */
  static List<Integer> ports(LabConfig config) {
    List<Integer> ports = new ArrayList<>(tcpPorts(config));
    ports.add(config.sshPort());
    return ports;
  }

  private static List<Integer> tcpPorts(LabConfig config) {
    List<Integer> tcp =
        new ArrayList<>(List.of(config.etcdPort(), config.etcdPeerPort(), config.dnsPort()));
    for (String section : config.sections()) {
      for (String dc : LabTopology.DATACENTERS) {
        tcp.add(config.mysqlPort(section, dc));
      }
    }
    return tcp;
  }

  /** "ENDPOINT is already in use", followed by " by HOLDER" when /proc says who holds it. */
  private static String heldBy(String endpoint, int port, boolean udp) {
    String holder = PortHolders.describe(port, udp);
    return endpoint + " is already in use" + (holder == null ? "" : " by " + holder);
  }

  /** Whether every port and address that a lab with this configuration needs is free now. */
  public static boolean portsFree(LabConfig config) {
    return takenEndpoint(config) == null;
  }

  private static String takenEndpoint(LabConfig config) {
    for (int port : tcpPorts(config)) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      } catch (IOException e) {
        return heldBy("127.0.0.1:" + port, port, false);
      }
    }
    try (DatagramSocket socket =
        new DatagramSocket(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), config.dnsPort()))) {
      socket.getLocalPort();
    } catch (IOException e) {
      return heldBy("UDP 127.0.0.1:" + config.dnsPort(), config.dnsPort(), true);
    }
    String first = new LabTopology(config).hosts().get(0).address();
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(first, config.sshPort()));
    } catch (IOException e) {
      return heldBy(first + ":" + config.sshPort(), config.sshPort(), false);
    }
    return null;
  }

  private void writeEnvFile() throws IOException {
    StringBuilder env =
        new StringBuilder(
            "# Switchman lab, started "
                + Instant.now()
                + ". Use it with: . "
                + config.envFile()
                + "\n");
    Map<String, String> vars = variables();
    vars.forEach(
        (k, v) -> env.append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
    LabFiles.writeSecret(config.envFile(), env.toString());
  }

  /** The variables of {@code lab.env}, in file order. */
  public Map<String, String> envVariables() {
    return ready().variables();
  }

  private Map<String, String> variables() {
    Map<String, String> vars = new java.util.LinkedHashMap<>();
    vars.put("LAB_ETCD_ENDPOINTS", config.etcdEndpoint());
    vars.put("LAB_DNS_SERVER", "127.0.0.1");
    vars.put("LAB_DNS_PORT", Integer.toString(config.dnsPort()));
    vars.put("LAB_DNS_ZONE", LabDns.ZONE);
    vars.put("LAB_TSIG_KEY_NAME", LabDns.TSIG_KEY_NAME);
    vars.put("LAB_TSIG_KEY_FILE", config.runDir().resolve("tsig.key").toString());
    vars.put("LAB_SSH_PORT", Integer.toString(config.sshPort()));
    vars.put("LAB_SSH_KNOWN_HOSTS", fleet.knownHosts().toString());
    vars.put("LAB_SSH_KEY", fleet.clientKey().toString());
    vars.put("LAB_SSH_USER", LabFleet.USER);
    vars.put("LAB_SSH_CONFIG", fleet.sshConfig().toString());
    vars.put("LAB_HOSTS_FILE", fleet.hostsFile().toString());
    vars.put("LAB_MYSQL_HOST", "127.0.0.1");
    vars.put("LAB_MYSQL_BASE_PORT", Integer.toString(config.mysqlBasePort()));
    vars.put("LAB_MYSQL_SECTIONS", String.join(" ", config.sections()));
    vars.put("LAB_MYSQL_ADMIN_USER", LabMariadb.ADMIN_USER);
    vars.put("LAB_MYSQL_ADMIN_PASSWORD", secrets.mysqlAdminPassword());
    vars.put("LAB_MYSQL_APP_USER", LabMariadb.APP_USER);
    vars.put("LAB_MYSQL_APP_PASSWORD", secrets.mysqlAppPassword());
    // what an application attached to this lab needs beyond the endpoints (see LabAttachSettings)
    vars.put(
        "LAB_MYSQL_ADMIN_PASSWORD_FILE",
        config.runDir().resolve("mysql-admin-password").toString());
    vars.put("LAB_LOOPBACK_NETWORK", config.loopbackNetwork());
    vars.put("LAB_FLEET_SIZE", Integer.toString(config.fleetSize()));
    vars.put("LAB_DISCOVERY_TTL_SECONDS", Long.toString(config.discoveryTtl().toSeconds()));
    return vars;
  }

  /**
   * Stops every server and removes the socket directory, {@code lab.env} and, unless the start
   * failed, the runtime directory. Idempotent.
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // called from the hook itself
      }
      shutdownHook = null;
    }
    stopEverything();
  }

  private void closeFromHook() {
    synchronized (this) {
      shutdownHook = null;
      stopEverything();
    }
  }

  private void stopEverything() {
    running = false;
    if (!ownsFiles) {
      return; // nothing started: the files may belong to another lab in the same directory
    }
    if (fleet != null) {
      fleet.stop();
    }
    if (etcd != null) {
      etcd.closeProxy();
    }
    if (processes != null) {
      List<ChildProcesses.Child> children = processes.children();
      try {
        // the watchdog must not act on PIDs that the kernel may hand out again
        Files.writeString(config.runDir().resolve("pids"), "");
      } catch (IOException ignored) {
        // the directory may already be gone
      }
      if (watchdog != null) {
        watchdog.process().destroyForcibly();
      }
      processes.close();
      LOG.fine(() -> "stopped " + children.size() + " lab processes");
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    if (!failed) {
      LabFiles.deleteTree(config.runDir());
    }
    LabFiles.deleteTree(config.socketDir());
    try {
      Files.deleteIfExists(config.envFile());
    } catch (IOException ignored) {
      // best effort
    }
  }

  /** Whether the lab has started and not been closed. */
  public boolean isRunning() {
    return running;
  }

  public LabConfig config() {
    return config;
  }

  public LabTopology topology() {
    return topology;
  }

  /** Fault injection; only while running. */
  public LabFaults faults() {
    ready().requireRunning();
    return faults;
  }

  /** How long {@link #start()} took. */
  public Duration startupTime() {
    return startupTime;
  }

  /** PIDs of the lab's child processes (servers, pt-heartbeat, watchdog). */
  public List<Long> childPids() {
    return processes == null
        ? List.of()
        : processes.children().stream().map(ChildProcesses.Child::pid).toList();
  }

  // Every getter below waits for the start (see the class comment).

  /** The etcd client URL, for example {@code http://127.0.0.1:23790}. */
  public String etcdEndpoint() {
    return ready().config.etcdEndpoint();
  }

  /** The authoritative DNS server's address. */
  public String dnsServer() {
    ready();
    return "127.0.0.1";
  }

  public int dnsPort() {
    return ready().config.dnsPort();
  }

  /** The TSIG key as a BIND {@code key} clause file (for {@code nsupdate -k}). */
  public Path tsigKeyFile() {
    return ready().config.runDir().resolve("tsig.key");
  }

  public int sshPort() {
    return ready().config.sshPort();
  }

  /** The known_hosts file with every fleet host's key, under its FQDN and its address. */
  public Path knownHostsFile() {
    return ready().fleet.knownHosts();
  }

  /** The client private key accepted by every fleet host. */
  public Path clientKeyFile() {
    return ready().fleet.clientKey();
  }

  public String sshUser() {
    ready();
    return LabFleet.USER;
  }

  /** One {@code fqdn address} line per fleet host. */
  public Path hostsFile() {
    return ready().fleet.hostsFile();
  }

  /** The MariaDB port of a section's master in a DC. */
  public int mysqlPort(String section, String dc) {
    return ready().mariadb.instance(section, dc).port();
  }

  /** The Unix socket of a section's master in a DC (in the short {@link LabConfig#socketDir()}). */
  public Path mysqlSocket(String section, String dc) {
    return ready().mariadb.instance(section, dc).socket();
  }

  public String mysqlAdminUser() {
    ready();
    return LabMariadb.ADMIN_USER;
  }

  /** The MariaDB admin password of this lab start (also in {@code lab.env}, mode 0600). */
  public String mysqlAdminPassword() {
    return ready().secrets.mysqlAdminPassword();
  }

  /** A file whose first line is {@link #mysqlAdminPassword()} (mode 0600, removed with the lab). */
  public Path mysqlAdminPasswordFile() {
    return ready().config.runDir().resolve("mysql-admin-password");
  }

  /** The application user: no SUPER, no READ_ONLY ADMIN, so {@code read_only} blocks it. */
  public String mysqlAppUser() {
    ready();
    return LabMariadb.APP_USER;
  }

  public String mysqlAppPassword() {
    return ready().secrets.mysqlAppPassword();
  }

  /** The {@code server_id} of a section's master in a DC (its heartbeat rows' key). */
  public int mysqlServerId(String section, String dc) {
    return ready().mariadb.instance(section, dc).serverId();
  }

  private void requireRunning() {
    if (!running) {
      throw new IllegalStateException("the lab is not running");
    }
  }
}
