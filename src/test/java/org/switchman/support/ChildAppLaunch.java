package org.switchman.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.util.FileSystemUtils;

/**
 * How {@link ChildApp} starts the application: as {@code scripts/demo} does ({@code prepare_app} in
 * {@code scripts/setup.sh}), from {@code target/switchman.jar} extracted into {@code target/it-app}
 * with the class data sharing archive of a training run, the C1 compiler only and the serial
 * collector. On a 2-core machine that runs the tests' labs beside it, the archive takes a third off
 * each of the many starts of the crash tests.
 *
 * <p>The extraction and the training run happen once per build of the jar, under a file lock, so
 * that the test JVMs of {@code mvn verify} never prepare it at the same time; the first child start
 * of a JVM waits for them. Without an archive (its training run failed, the reason is in {@code
 * target/it-app/training.log}) the children start all the same, only slower.
 */
final class ChildAppLaunch {

  /** The application jar that {@code mvn package} builds. */
  static final Path JAR = Path.of("target", "switchman.jar").toAbsolutePath();

  private static final Path DIR = Path.of("target", "it-app").toAbsolutePath();
  private static final Path EXTRACTED_JAR = DIR.resolve("switchman.jar");
  private static final Path ARCHIVE = DIR.resolve("switchman.jsa");
  private static final Path LOCK = Path.of("target", "it-app.lock").toAbsolutePath();

  /** The same for the training run and every start: an archive serves only the JVM it recorded. */
  private static final List<String> JVM =
      List.of(
          "-Xmx1g",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xlog:cds=off",
          "-Xlog:cds+dynamic=off");

  private static List<String> command;

  private ChildAppLaunch() {}

  /**
   * {@code java} with its options and {@code -jar}, ready for the application's arguments; prepares
   * the extracted jar and its archive first if the jar is newer than them.
   *
   * @param spawner forks a process from the thread whose death {@code --pdeathsig} follows
   */
  static synchronized List<String> command(Spawner spawner) {
    if (command == null) {
      command = prepare(spawner);
    }
    return command;
  }

  /** Forks a process and returns it. */
  interface Spawner {
    Process spawn(ProcessBuilder builder);
  }

  private static List<String> prepare(Spawner spawner) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          JAR
              + " is missing: run the integration tests through"
              + " 'mvn verify', which packages the application first");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    try (FileChannel channel =
            FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      if (!upToDate()) {
        FileSystemUtils.deleteRecursively(DIR);
        run(
            spawner,
            List.of(
                java,
                "-Djarmode=tools",
                "-jar",
                JAR.toString(),
                "extract",
                "--destination",
                DIR.toString()),
            DIR.resolveSibling("it-app-extract.log"));
        train(spawner, java);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> launch = new ArrayList<>();
    launch.add(java);
    launch.addAll(JVM);
    if (Files.isRegularFile(ARCHIVE)) {
      launch.add("-XX:SharedArchiveFile=" + ARCHIVE);
    }
    launch.add("-jar");
    launch.add(EXTRACTED_JAR.toString());
    return List.copyOf(launch);
  }

  /** Whether the extracted jar (and its archive, or the log of a failed training) is current. */
  private static boolean upToDate() throws IOException {
    Path done = Files.isRegularFile(ARCHIVE) ? ARCHIVE : DIR.resolve("training.log");
    return Files.isRegularFile(EXTRACTED_JAR)
        && Files.isRegularFile(done)
        && Files.getLastModifiedTime(done).compareTo(Files.getLastModifiedTime(JAR)) > 0;
  }

  /**
   * Spring Boot's training run: the context starts with the lab profile, without the lab's servers,
   * on a throwaway data directory, and the JVM exits and writes the archive.
   */
  private static void train(Spawner spawner, String java) throws IOException {
    Path data = Files.createTempDirectory(DIR, "training-data-");
    List<String> training = new ArrayList<>(List.of(java));
    training.addAll(JVM);
    training.addAll(
        List.of(
            "-XX:ArchiveClassesAtExit=" + ARCHIVE,
            "-Dspring.context.exit=onRefresh",
            "-jar",
            EXTRACTED_JAR.toString(),
            "--spring.profiles.active=lab",
            "--switchman.lab.servers=false",
            "--server.port=0",
            "--switchman.data-dir=" + data));
    try {
      run(spawner, training, DIR.resolve("training.log"));
    } catch (IllegalStateException failed) {
      System.err.println(failed.getMessage() + "; the child applications start without it");
      Files.deleteIfExists(ARCHIVE);
    } finally {
      FileSystemUtils.deleteRecursively(data);
    }
  }

  private static void run(Spawner spawner, List<String> command, Path log) {
    List<String> tied = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
    tied.addAll(command);
    Process process =
        spawner.spawn(
            new ProcessBuilder(tied)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
    try {
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " took longer than 3 minutes, see " + log);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            command + " exited with " + process.exitValue() + ", see " + log);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
