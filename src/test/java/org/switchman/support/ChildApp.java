package org.switchman.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.switchman.config.JournalKey;
import org.switchman.lab.Lab;

/**
 * The application as its own process (from {@code target/switchman.jar}, built by {@code package}
 * before failsafe runs, and started as {@link ChildAppLaunch} says), attached to a lab that this
 * test JVM started: profiles {@code lab} (its demo users and database, without its servers, as
 * {@link AppTestSupport#demoUsers}) and {@code lab-attach} (the adapters read the lab's {@code
 * lab.env}). It can be killed with SIGKILL and started again on the same data directory, as a
 * crashed node would be, while the lab keeps its state.
 *
 * <p>The process runs under {@code setpriv --pdeathsig KILL}, forked from one long-lived thread
 * (the signal follows the forking thread, not the JVM), so it dies with the test JVM however that
 * ends; {@link #close()} kills it at the end of each test.
 */
public final class ChildApp implements AutoCloseable {

  private static final ExecutorService SPAWNER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "child-app-spawner");
            t.setDaemon(true);
            return t;
          });
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path dataDir;
  private final int port;
  private final Map<String, String> properties;
  private Process process;
  private int starts;
  private Path log;

  private ChildApp(Path dataDir, int port, Map<String, String> properties) {
    this.dataDir = dataDir;
    this.port = port;
    this.properties = properties;
  }

  /**
   * An application on a fresh data directory under {@code target/test-data} and a free port,
   * attached to the lab; nothing runs until {@link #start}.
   *
   * @param settings further {@code switchman.*} settings for every start
   */
  public static ChildApp attachedTo(Lab lab, Map<String, String> settings) {
    prepareLaunch();
    Path dataDir = freshDataDir();
    JournalKey.generate(dataDir.resolve("journal.key"));
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.profiles.active", "lab,lab-attach");
    properties.put("switchman.lab.servers", "false");
    properties.put("switchman.lab.env-file", lab.config().envFile().toString());
    properties.put("switchman.data-dir", dataDir.toString());
    properties.put("switchman.journal.key-file", dataDir.resolve("journal.key").toString());
    // below the test labs' discovery TTL (AppLabSlot), so that a switchover really reduces it
    properties.put("switchman.switchover.short-ttl", AppLabSlot.TEST_SHORT_TTL.toString());
    properties.putAll(settings);
    return new ChildApp(dataDir, freePort(), properties);
  }

  /**
   * An application in the {@code lab} profile that starts and stops its own lab servers, on a fresh
   * data directory under {@code target/test-data} (the servers' files below it) and a free port;
   * nothing runs until {@link #start}.
   *
   * @param settings further settings for every start, such as the lab's loopback network
   */
  public static ChildApp withOwnLab(Map<String, String> settings) {
    prepareLaunch();
    Path dataDir = freshDataDir();
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.profiles.active", "lab");
    properties.put("switchman.data-dir", dataDir.toString());
    properties.put("switchman.lab.dir", dataDir.resolve("lab-servers").toString());
    properties.putAll(settings);
    return new ChildApp(dataDir, freePort(), properties);
  }

  /** Prepares the launch (once per build of the jar), so that no start's time includes it. */
  private static void prepareLaunch() {
    ChildAppLaunch.command(ChildApp::spawn);
  }

  /** Forks from the spawner thread, whose end {@code --pdeathsig} follows. */
  private static Process spawn(ProcessBuilder builder) {
    try {
      return SPAWNER.submit(builder::start).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot start " + builder.command() + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path freshDataDir() {
    Path dataDir = Path.of("target", "test-data", "child-" + UUID.randomUUID()).toAbsolutePath();
    try {
      Files.createDirectories(
          dataDir,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dataDir;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The log (stdout and stderr) of the latest start. */
  public Path log() {
    return log;
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /**
   * Starts the application (it must not be running) and returns at once.
   *
   * @param extra settings for this start only, such as a crash point
   */
  public void start(Map<String, String> extra) {
    if (alive()) {
      throw new IllegalStateException("the application is already running");
    }
    starts++;
    log = dataDir.resolve("app-" + starts + ".log");
    List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
    command.addAll(ChildAppLaunch.command(ChildApp::spawn));
    Map<String, String> all = new LinkedHashMap<>(properties);
    all.put("server.port", Integer.toString(port));
    all.putAll(extra);
    all.forEach((k, v) -> command.add("--" + k + "=" + v));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Path.of("").toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    process = spawn(builder);
  }

  /** Starts the application and waits until {@code /actuator/health} answers 200. */
  public Duration startAndAwaitHealthy(Map<String, String> extra, Duration limit) {
    Instant t0 = Instant.now();
    start(extra);
    awaitHealthy(limit);
    return Duration.between(t0, Instant.now());
  }

  /**
   * Waits until {@code /actuator/health} answers 200.
   *
   * @throws AssertionError with the end of the log when the process exits or the limit passes
   */
  public void awaitHealthy(Duration limit) {
    Instant deadline = Instant.now().plus(limit);
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    while (Instant.now().isBefore(deadline)) {
      if (!alive()) {
        throw new AssertionError(
            "the application exited with "
                + process.exitValue()
                + " while starting; its log ends:\n"
                + logTail(60));
      }
      try {
        if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      sleep(250);
    }
    throw new AssertionError(
        "the application did not become healthy within "
            + limit
            + "; its log ends:\n"
            + logTail(60));
  }

  /**
   * Waits for the process to end by itself (a crash point halts it).
   *
   * @return its exit status
   */
  public int awaitExit(Duration limit) {
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "the application still runs after " + limit + "; its log ends:\n" + logTail(40));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Whether the process ends within the limit (it may be halting while a request failed). */
  public boolean dies(Duration limit) {
    try {
      return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The exit status of the latest start, once it has ended. */
  public int exitValue() {
    return process.exitValue();
  }

  /**
   * Kills the process with SIGKILL, as {@code kill -9} does, and waits until it is gone.
   *
   * @return when the signal was sent
   */
  public Instant kill() {
    Instant signalled = Instant.now();
    if (process == null) {
      return signalled;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the application " + process.pid() + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return signalled;
  }

  /**
   * Stops the process with SIGTERM, as an operator's {@code systemctl stop} does, and waits until
   * it has ended (its graceful stop lets running steps drain first).
   *
   * @return its exit status
   */
  public int stop(Duration limit) {
    process.destroy();
    return awaitExit(limit);
  }

  /** The last lines of the latest start's log. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Kills the application if it runs. */
  @Override
  public void close() {
    kill();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
