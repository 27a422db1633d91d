package org.switchman.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a lab without the application, until the process is stopped.
 *
 * <pre>
 * java -cp target/classes org.switchman.lab.LabLauncher [--data-dir DIR] [--tests BUILD_DIR]
 *     [--relocate DIR NETWORK PORT_OFFSET] [--fleet-size N] [--sections s1,s2] [--prod-like]
 *     [--postgres]
 * </pre>
 *
 * Prints {@code LAB READY <ms>} once every server is ready. With {@code --postgres} it also runs a
 * throwaway PostgreSQL ({@link LabPostgres}, under the system's temporary directory) for nodes that
 * share one engine database, and writes what they need into {@code <data-dir>/cluster}: {@code
 * postgres.env} ({@code SWITCHMAN_DB_URL}, {@code SWITCHMAN_DB_USER}) and {@code
 * secrets/spring.datasource.password}, the config tree of the {@code postgres} profile. The
 * database and those files are removed when the launcher stops.
 */
public final class LabLauncher {

  private LabLauncher() {}

  public static void main(String[] args) throws InterruptedException, IOException {
    LabConfig config = parse(args);
    Lab lab = Lab.start(config);
    if (Arrays.asList(args).contains("--postgres")) {
      Path cluster = config.labDir().resolveSibling("cluster");
      LabPostgres postgres = startPostgres(cluster);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    postgres.close();
                    LabFiles.deleteTree(cluster);
                  }));
      System.out.println("POSTGRES READY " + postgres.jdbcUrl() + " env " + cluster);
    }
    System.out.println("LAB READY " + lab.startupTime().toMillis() + " env " + config.envFile());
    System.out.flush();
    Thread.currentThread().join();
  }

  /** A throwaway PostgreSQL, and its settings for the {@code postgres} profile in {@code dir}. */
  private static LabPostgres startPostgres(Path dir) throws IOException {
    LabPostgres postgres = LabPostgres.startThrowaway();
    LabFiles.deleteTree(dir);
    Files.createDirectories(dir.resolve("secrets"));
    LabFiles.writeSecret(
        dir.resolve("secrets").resolve("spring.datasource.password"),
        Files.readString(postgres.passwordFile()));
    Files.writeString(
        dir.resolve("postgres.env"),
        "SWITCHMAN_DB_URL="
            + postgres.jdbcUrl()
            + "\nSWITCHMAN_DB_USER="
            + LabPostgres.USER
            + "\nSWITCHMAN_SECRETS_DIR="
            + dir.resolve("secrets").toAbsolutePath()
            + "\n");
    return postgres;
  }

  static LabConfig parse(String[] args) {
    LabConfig config = LabConfig.demo(Path.of("data"));
    List<String> list = Arrays.asList(args);
    for (int i = 0; i < list.size(); i++) {
      switch (list.get(i)) {
        case "--postgres" -> {}
        case "--data-dir" -> config = LabConfig.demo(Path.of(list.get(++i)));
        case "--tests" -> config = LabConfig.forTests(Path.of(list.get(++i)));
        case "--relocate" ->
            config =
                config.relocated(
                    Path.of(list.get(i + 1)), list.get(i + 2), Integer.parseInt(list.get(i + 3)));
        case "--fleet-size" -> config = config.withFleetSize(Integer.parseInt(list.get(++i)));
        case "--sections" -> config = config.withSections(List.of(list.get(++i).split(",")));
        case "--prod-like" -> config = config.prodLike();
        default -> throw new IllegalArgumentException("unknown argument " + list.get(i));
      }
      if (list.get(i).equals("--relocate")) {
        i += 3;
      }
    }
    return config;
  }
}
