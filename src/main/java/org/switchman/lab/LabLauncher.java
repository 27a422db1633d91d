package org.switchman.lab;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a lab without the application, until the process is stopped.
 *
 * <pre>
 * java -cp target/classes org.switchman.lab.LabLauncher [--data-dir DIR] [--tests BUILD_DIR]
 *     [--relocate DIR NETWORK PORT_OFFSET] [--fleet-size N] [--sections s1,s2] [--prod-like]
 * </pre>
 *
 * Prints {@code LAB READY <ms>} once every server is ready.
 */
public final class LabLauncher {

  private LabLauncher() {}

  public static void main(String[] args) throws InterruptedException {
    LabConfig config = parse(args);
    Lab lab = Lab.start(config);
    System.out.println("LAB READY " + lab.startupTime().toMillis() + " env " + config.envFile());
    System.out.flush();
    Thread.currentThread().join();
  }

  static LabConfig parse(String[] args) {
    LabConfig config = LabConfig.demo(Path.of("data"));
    List<String> list = Arrays.asList(args);
    for (int i = 0; i < list.size(); i++) {
      switch (list.get(i)) {
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
