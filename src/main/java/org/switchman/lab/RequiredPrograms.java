package org.switchman.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** The programs the lab runs, and the Debian packages that provide them. */
final class RequiredPrograms {

  /** Program → Debian package. */
  static final Map<String, String> PROGRAMS = new LinkedHashMap<>();

  static {
    PROGRAMS.put("etcd", "etcd-server");
    PROGRAMS.put("etcdctl", "etcd-client");
    PROGRAMS.put("named", "bind9");
    PROGRAMS.put("dig", "bind9-dnsutils");
    PROGRAMS.put("nsupdate", "bind9-dnsutils");
    PROGRAMS.put("mariadbd", "mariadb-server");
    PROGRAMS.put("mariadb-install-db", "mariadb-server");
    PROGRAMS.put("mariadb", "mariadb-client");
    PROGRAMS.put("pt-heartbeat", "percona-toolkit");
    PROGRAMS.put("sshd", "openssh-server");
    PROGRAMS.put("ssh-keygen", "openssh-client");
    PROGRAMS.put("ssh", "openssh-client");
    PROGRAMS.put("setpriv", "util-linux");
  }

  private RequiredPrograms() {}

  /** The Debian packages the lab needs. */
  static Set<String> packages() {
    return new LinkedHashSet<>(PROGRAMS.values());
  }

  /**
   * Checks that every program is on the PATH (or in /usr/sbin, /sbin).
   *
   * @throws LabException naming the missing packages and the command that installs them
   */
  static void check() {
    String problem = missing(PROGRAMS, program -> find(program) != null);
    if (problem != null) {
      throw new LabException(problem);
    }
  }

  /**
   * What is missing, as a message that names the programs, their Debian packages and the install
   * command; null if nothing is.
   */
  static String missing(Map<String, String> programs, Predicate<String> installed) {
    List<String> missing = new ArrayList<>();
    Set<String> packages = new LinkedHashSet<>();
    for (Map.Entry<String, String> e : programs.entrySet()) {
      if (!installed.test(e.getKey())) {
        missing.add(e.getKey());
        packages.add(e.getValue());
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    return "the lab needs "
        + String.join(", ", missing)
        + " (Debian package"
        + (packages.size() > 1 ? "s " : " ")
        + String.join(", ", packages)
        + "), which is not installed. Install with: apt-get install -y "
        + String.join(" ", packages);
  }

  /** The absolute path of a program, or null. */
  static Path find(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    List<String> dirs = new ArrayList<>(List.of(path.split(":")));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** The absolute path of a program that {@link #check()} has found. */
  static String path(String program) {
    Path found = find(program);
    if (found == null) {
      throw new LabException(
          program + " is not installed: apt-get install -y " + PROGRAMS.get(program));
    }
    return found.toString();
  }
}
