package org.switchman.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for the engine, from Debian's packages and started the way the lab
 * starts its servers: {@code initdb} into a directory of its own, {@code postgres} as a child
 * process on a given port of 127.0.0.1 (no Unix socket, no system service), stopped and its
 * directory deleted by {@link #close}. It dies with the JVM that started it ({@code setpriv
 * --pdeathsig}), also when that JVM is killed.
 *
 * <p>PostgreSQL refuses to run as root: as root, the cluster's files belong to the {@code postgres}
 * user the package creates, and {@code initdb} and {@code postgres} run as that user. The parent
 * death signal is set again after the change of user, which clears it.
 *
 * <p>The cluster has one role, {@value #USER}, the owner of the database {@value #DATABASE}, with a
 * random password (scram-sha-256) in {@link #passwordFile()}, readable only by the user who started
 * it, as the {@code postgres} profile reads {@code spring.datasource.password} from a file. Writes
 * are not synced to disk ({@code fsync=off}): the cluster never outlives its test or demo.
 */
public final class LabPostgres implements AutoCloseable {

  public static final String USER = "switchman";
  public static final String DATABASE = "switchman";

  private static final String SYSTEM_USER = "postgres";
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private final Path dir;
  private final int port;
  private final ChildProcesses processes;
  private volatile ChildProcesses.Child server;

  private LabPostgres(Path dir, int port, ChildProcesses processes, ChildProcesses.Child server) {
    this.dir = dir;
    this.port = port;
    this.processes = processes;
    this.server = server;
  }

  /**
   * Creates a cluster in a new directory under the system's temporary directory (its user must
   * reach it, whatever the caller's own directories allow), on a free port, as {@link #start}.
   */
  public static LabPostgres startThrowaway() {
    Path dir;
    int port;
    try {
      dir = Files.createTempDirectory("switchman-pg-");
      Files.delete(dir);
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
        port = socket.getLocalPort();
      }
    } catch (IOException e) {
      throw new LabException("cannot choose a directory and a port for PostgreSQL: " + e, e);
    }
    return start(dir, port);
  }

  /**
   * Creates a cluster in {@code dir} (which must not exist), starts it on {@code port} and creates
   * the database.
   *
   * @throws LabException naming what failed, with the end of the server's log
   */
  public static LabPostgres start(Path dir, int port) {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    ChildProcesses processes = null;
    try {
      Files.createDirectories(dir.getParent());
      Files.createDirectory(dir);
      String secret = randomPassword();
      LabFiles.writeSecret(dir.resolve("password"), secret);
      // initdb reads the password as the cluster's user: a copy of its own, deleted once read
      Path initPassword = dir.resolve("initdb-password");
      LabFiles.writeSecret(initPassword, secret);
      Path data = dir.resolve("data");
      if (root) {
        own(dir, initPassword);
      }
      processes = new ChildProcesses(dir.resolve("pids"));
      processes.run(
          "initdb",
          asClusterUser(
              root,
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              USER,
              "--pwfile=" + initPassword,
              "--auth=scram-sha-256",
              "-E",
              "UTF8",
              "--locale=C",
              "--no-sync"),
          START_LIMIT,
          Map.of());
      Files.delete(initPassword);
      Path log = dir.resolve("postgres.log");
      Files.createFile(log);
      if (root) {
        own(log);
      }
      ChildProcesses.Child server = startServer(processes, bin, root, data, port, log);
      LabPostgres postgres = new LabPostgres(dir, port, processes, server);
      postgres.createDatabase(bin);
      return postgres;
    } catch (IOException e) {
      closeQuietly(processes);
      throw new LabException("cannot create the PostgreSQL cluster in " + dir + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(processes);
      throw e;
    }
  }

  private static ChildProcesses.Child startServer(
      ChildProcesses processes, Path bin, boolean root, Path data, int port, Path log) {
    ChildProcesses.Child server =
        processes.start(
            "postgres",
            asClusterUser(
                root,
                bin.resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                Integer.toString(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=100"),
            log,
            Map.of());
    Readiness.await(
        "PostgreSQL on port " + port,
        START_LIMIT,
        server,
        log,
        () -> accepts(port) && LabFiles.tail(log, 40).contains("ready to accept connections"));
    return server;
  }

  /**
   * Restarts the server as an operator's {@code pg_ctl restart -m fast} does: every session is
   * ended, the server stops and starts again on the same data and port, and this returns once it
   * accepts connections again.
   */
  public void restart() {
    Path log = dir.resolve("postgres.log");
    try {
      processes.signal(server, "INT");
    } catch (LabException gone) {
      // it ended by itself meanwhile
    }
    processes.stop(server, Duration.ofSeconds(20));
    try {
      // the old server's "ready" lines must not count for the new one
      Files.writeString(log, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server =
        startServer(
            processes,
            binaries(),
            "root".equals(System.getProperty("user.name")),
            dir.resolve("data"),
            port,
            log);
  }

  /** The JDBC URL of the database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public int port() {
    return port;
  }

  /** The password of {@value #USER}, alone in the file, without a line break. */
  public Path passwordFile() {
    return dir.resolve("password");
  }

  /** Whether the server still runs. */
  public boolean running() {
    return server.alive();
  }

  /** The server's PID. */
  public long pid() {
    return server.pid();
  }

  /**
   * Freezes the server and every session process (SIGSTOP), as a network partition from the
   * database looks to its clients: connections stay open and nothing answers; or lets them go on
   * (SIGCONT).
   */
  public void freeze(boolean on) {
    List<ProcessHandle> targets = new ArrayList<>();
    targets.add(server.process().toHandle());
    server.process().toHandle().descendants().forEach(targets::add);
    try {
      signal(on, targets);
    } catch (LabException raced) {
      // a session that ended between the listing and the signal: signal those still there
      signal(on, targets.stream().filter(ProcessHandle::isAlive).toList());
    }
  }

  private void signal(boolean stop, List<ProcessHandle> targets) {
    List<String> command = new ArrayList<>(List.of("kill", stop ? "-STOP" : "-CONT"));
    targets.forEach(target -> command.add(Long.toString(target.pid())));
    processes.run("kill " + command.get(1) + " postgres", command, Duration.ofSeconds(5), Map.of());
  }

  /** Stops the server (a fast shutdown: open sessions are ended) and deletes the directory. */
  @Override
  public void close() {
    if (server.alive()) {
      try {
        processes.signal(server, "INT");
      } catch (LabException gone) {
        // it ended by itself meanwhile
      }
    }
    processes.stop(server, Duration.ofSeconds(20));
    processes.close();
    LabFiles.deleteTree(dir);
  }

  private void createDatabase(Path bin) throws IOException {
    Path passFile = dir.resolve("pgpass");
    LabFiles.writeSecret(
        passFile, "127.0.0.1:" + port + ":*:" + USER + ":" + Files.readString(passwordFile()));
    processes.run(
        "createdb",
        List.of(
            bin.resolve("createdb").toString(),
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            USER,
            "-O",
            USER,
            DATABASE),
        START_LIMIT,
        Map.of("PGPASSFILE", passFile.toString()));
    Files.delete(passFile);
  }

  /** The newest installed PostgreSQL's programs, {@code /usr/lib/postgresql/N/bin}. */
  static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
      return versions
          .map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .max(
              Comparator.comparingInt(
                  bin -> {
                    String name = bin.getParent().getFileName().toString();
                    return name.matches("\\d+") ? Integer.parseInt(name) : -1;
                  }))
          .orElseThrow(
              () ->
                  new LabException(
                      "PostgreSQL is not installed (no /usr/lib/postgresql/N/bin/initdb):"
                          + " apt-get install -y postgresql"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> asClusterUser(boolean root, String... command) {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(
          List.of(
              "setpriv",
              "--reuid=" + SYSTEM_USER,
              "--regid=" + SYSTEM_USER,
              "--clear-groups",
              "--pdeathsig",
              "TERM",
              "--"));
    }
    full.addAll(List.of(command));
    return full;
  }

  private static void own(Path... paths) throws IOException {
    UserPrincipalLookupService users = Path.of("/").getFileSystem().getUserPrincipalLookupService();
    for (Path path : paths) {
      Files.setOwner(path, users.lookupPrincipalByName(SYSTEM_USER));
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void closeQuietly(ChildProcesses processes) {
    if (processes != null) {
      processes.close();
    }
  }
}
