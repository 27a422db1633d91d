package org.switchman.lab;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * The SSH fleet: one sshd per group of at most 16 loopback addresses, a command script that gives
 * each host its own state, and the per-host overrides that faults and reboots need (refuse
 * connections, let them time out, present another host key).
 */
final class LabFleet {

  static final int HOSTS_PER_SSHD = 16;
  static final String USER = "root";

  /** How a host's address behaves instead of its group sshd answering. */
  enum Override {
    /** Nothing listens: connections are refused. */
    REFUSE,
    /** A listener whose accept queue is full: SYNs are dropped and connections time out. */
    TIMEOUT,
    /** A dedicated sshd with a new host key. */
    NEW_HOST_KEY,
    /** A listener that accepts connections and never sends anything: no SSH banner. */
    SILENT
  }

  private final class Group {
    final int index;
    final List<LabTopology.Host> members;
    ChildProcesses.Child sshd;

    Group(int index, List<LabTopology.Host> members) {
      this.index = index;
      this.members = members;
    }
  }

  private final LabConfig config;
  private final LabTopology topology;
  private final ChildProcesses processes;
  private final Path dir;
  private final Path sshDir;
  private final List<Group> groups = new ArrayList<>();
  private final Map<String, Group> groupOf = new HashMap<>();
  private final Map<String, Set<Override>> overrides = new ConcurrentHashMap<>();
  private final Set<String> rebooting = ConcurrentHashMap.newKeySet();
  private final Map<String, Duration> bootDurations = new ConcurrentHashMap<>();
  private final Map<String, Duration> salvageDurations = new ConcurrentHashMap<>();
  private final Map<String, List<AutoCloseable>> overrideResources = new ConcurrentHashMap<>();
  private volatile Thread rebootWatcher;
  private volatile boolean stopping;

  LabFleet(LabConfig config, LabTopology topology, ChildProcesses processes) {
    this.config = config;
    this.topology = topology;
    this.processes = processes;
    this.dir = config.runDir().resolve("fleet");
    this.sshDir = config.runDir().resolve("ssh");
    List<LabTopology.Host> hosts = topology.hosts();
    for (int from = 0, g = 0; from < hosts.size(); from += HOSTS_PER_SSHD, g++) {
      Group group =
          new Group(g, hosts.subList(from, Math.min(hosts.size(), from + HOSTS_PER_SSHD)));
      groups.add(group);
      group.members.forEach(h -> groupOf.put(h.fqdn(), group));
    }
  }

  Path knownHosts() {
    return sshDir.resolve("known_hosts");
  }

  Path clientKey() {
    return sshDir.resolve("client_key");
  }

  Path hostsFile() {
    return sshDir.resolve("hosts");
  }

  Path sshConfig() {
    return sshDir.resolve("ssh_config");
  }

  Path stateDir(String fqdn) {
    return dir.resolve("state").resolve(fqdn);
  }

  /** Writes keys, state and configuration, and starts every sshd. */
  void start(ExecutorService pool) throws IOException {
    Files.createDirectories(dir.resolve("requests"));
    Files.createDirectories(sshDir);
    Files.setPosixFilePermissions(sshDir, PosixFilePermissions.fromString("rwx------"));
    List<CompletableFuture<Void>> keys = new ArrayList<>();
    keys.add(CompletableFuture.runAsync(() -> keygen(clientKey(), "switchman-lab-client"), pool));
    for (Group group : groups) {
      keys.add(
          CompletableFuture.runAsync(
              () -> keygen(sshDir.resolve("host_key_" + group.index), "lab-sshd-" + group.index),
              pool));
    }
    writeState();
    LabFiles.join(keys);
    Files.writeString(
        sshDir.resolve("authorized_keys"), Files.readString(sshDir.resolve("client_key.pub")));
    writeKnownHosts();
    List<CompletableFuture<Void>> started = new ArrayList<>();
    for (Group group : groups) {
      started.add(CompletableFuture.runAsync(() -> startGroup(group), pool));
    }
    LabFiles.join(started);
    rebootWatcher = new Thread(this::watchReboots, "lab-reboot-watcher");
    rebootWatcher.setDaemon(true);
    rebootWatcher.start();
  }

  void stop() {
    stopping = true;
    Thread watcher = rebootWatcher;
    if (watcher != null) {
      watcher.interrupt();
    }
    overrideResources.values().forEach(list -> list.forEach(LabFleet::closeQuietly));
    overrideResources.clear();
  }

  private void keygen(Path file, String comment) {
    processes.run(
        "ssh-keygen",
        List.of(
            RequiredPrograms.path("ssh-keygen"),
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            comment,
            "-f",
            file.toString()),
        Duration.ofSeconds(20),
        Map.of());
  }

  private void writeState() throws IOException {
    try (InputStream script = LabFleet.class.getResourceAsStream("/lab/fleet-command.sh")) {
      if (script == null) {
        throw new LabException("resource /lab/fleet-command.sh is missing from the classpath");
      }
      Files.write(dir.resolve("fleet-command.sh"), script.readAllBytes());
    }
    Files.writeString(
        dir.resolve("fleet.env"),
        "ETCD_ENDPOINTS="
            + config.etcdEndpoint()
            + "\nETCDCTL="
            + RequiredPrograms.path("etcdctl")
            + "\nSITEINFO_CACHE_MS="
            + SITEINFO_CACHE.toMillis()
            + "\n");
    StringBuilder inventory = new StringBuilder();
    StringBuilder hosts = new StringBuilder();
    StringBuilder sshConfig = new StringBuilder();
    String now = Long.toString(System.currentTimeMillis() / 1000);
    for (LabTopology.Host host : topology.hosts()) {
      inventory
          .append(host.fqdn())
          .append(' ')
          .append(host.address())
          .append(' ')
          .append(host.dc())
          .append(' ')
          .append(host.cluster())
          .append('\n');
      hosts.append(host.fqdn()).append(' ').append(host.address()).append('\n');
      sshConfig
          .append("Host ")
          .append(host.fqdn())
          .append("\n  HostName ")
          .append(host.address())
          .append('\n');
      Path state = stateDir(host.fqdn());
      Files.createDirectories(state.resolve("units"));
      Files.createDirectories(state.resolve("faults"));
      Files.createDirectories(state.resolve("registration"));
      for (String unit : host.units()) {
        // periodic maintenance jobs run in the primary datacenter only
        boolean passiveCron = unit.equals("mw-cron") && !host.dc().equals(LabTopology.PRIMARY_DC);
        Files.writeString(
            state.resolve("units").resolve(unit), passiveCron ? "inactive\n" : "active\n");
      }
      StringBuilder keys = new StringBuilder();
      host.services().forEach(s -> keys.append(host.conftoolKey(s)).append('\n'));
      Files.writeString(state.resolve("conftool"), keys);
      Files.writeString(state.resolve("boot-time"), now + "\n");
      Files.writeString(state.resolve("boot-id"), java.util.UUID.randomUUID() + "\n");
      Files.writeString(state.resolve("cassandra-mode"), "NORMAL\n");
    }
    Files.writeString(dir.resolve("inventory"), inventory);
    Files.writeString(hostsFile(), hosts);
    sshConfig
        .append("Host *\n  Port ")
        .append(config.sshPort())
        .append("\n  User ")
        .append(USER)
        .append("\n  IdentityFile ")
        .append(clientKey())
        .append("\n  IdentitiesOnly yes")
        .append("\n  UserKnownHostsFile ")
        .append(knownHosts())
        .append("\n  StrictHostKeyChecking yes\n  BatchMode yes\n  ConnectTimeout 5\n");
    Files.writeString(sshConfig(), sshConfig);
  }

  private void writeKnownHosts() throws IOException {
    StringBuilder known = new StringBuilder();
    for (Group group : groups) {
      String key = publicKey(sshDir.resolve("host_key_" + group.index + ".pub"));
      for (LabTopology.Host host : group.members) {
        known
            .append('[')
            .append(host.fqdn())
            .append("]:")
            .append(config.sshPort())
            .append(",[")
            .append(host.address())
            .append("]:")
            .append(config.sshPort())
            .append(' ')
            .append(key)
            .append('\n');
      }
    }
    Files.writeString(knownHosts(), known);
  }

  private static String publicKey(Path pub) throws IOException {
    String[] parts = Files.readString(pub).strip().split(" ");
    return parts[0] + " " + parts[1];
  }

  private String sshdConfig(List<String> addresses, Path hostKey) {
    StringBuilder conf = new StringBuilder();
    for (String address : addresses) {
      conf.append("ListenAddress ")
          .append(address)
          .append(':')
          .append(config.sshPort())
          .append('\n');
    }
    conf.append("HostKey ")
        .append(hostKey)
        .append('\n')
        .append(
            """
        PidFile none
        AuthorizedKeysFile %1$s/authorized_keys
        PermitRootLogin prohibit-password
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        StrictModes no
        MaxStartups 100:30:200
        MaxSessions 100
        UseDNS no
        PrintMotd no
        PrintLastLog no
        X11Forwarding no
        AllowTcpForwarding no
        AllowAgentForwarding no
        PermitTTY no
        SetEnv SHLVL=1
        ForceCommand /bin/bash %2$s/fleet-command.sh
        LogLevel ERROR
        """
                .formatted(sshDir, dir));
    return conf.toString();
  }

  private void startGroup(Group group) {
    synchronized (group) {
      startGroupLocked(group);
    }
  }

  private void startGroupLocked(Group group) {
    List<String> addresses =
        group.members.stream()
            .filter(
                h ->
                    overrides.getOrDefault(h.fqdn(), Set.of()).isEmpty()
                        && !rebooting.contains(h.fqdn()))
            .map(LabTopology.Host::address)
            .toList();
    if (addresses.isEmpty()) {
      return;
    }
    group.sshd =
        startSshd("sshd-" + group.index, addresses, sshDir.resolve("host_key_" + group.index));
  }

  private ChildProcesses.Child startSshd(String name, List<String> addresses, Path hostKey) {
    Path conf = sshDir.resolve(name + ".conf");
    try {
      Files.writeString(conf, sshdConfig(addresses, hostKey));
      Files.createDirectories(Path.of("/run/sshd"));
    } catch (IOException e) {
      throw new LabException("cannot write " + conf, e);
    }
    ChildProcesses.Child sshd =
        processes.start(
            name,
            List.of(RequiredPrograms.path("sshd"), "-D", "-e", "-f", conf.toString()),
            sshDir.resolve(name + ".log"),
            Map.of());
    // sshd binds every ListenAddress before it accepts anything: one banner proves them all
    String first = addresses.get(0);
    Readiness.await(
        "sshd on " + first,
        Duration.ofSeconds(15),
        sshd,
        sshDir.resolve(name + ".log"),
        () -> Readiness.sshBanner(first, config.sshPort()));
    return sshd;
  }

  private void restartGroup(Group group) {
    synchronized (group) {
      if (group.sshd != null) {
        processes.stop(group.sshd, Duration.ofSeconds(3));
        group.sshd = null;
      }
      startGroupLocked(group);
    }
  }

  /**
   * Takes a host's address away from its group sshd and makes it behave as the override says. The
   * other hosts of the group are unreachable for the few milliseconds of the sshd restart.
   */
  synchronized void override(String fqdn, Override kind) {
    LabTopology.Host host = topology.host(fqdn);
    Set<Override> current = overrides.computeIfAbsent(fqdn, k -> new LinkedHashSet<>());
    boolean wasServedByGroup = current.isEmpty() && !rebooting.contains(fqdn);
    current.add(kind);
    if (wasServedByGroup) {
      List<ProcessHandle> sessions = sessionsOf(groupOf.get(fqdn), host.address());
      restartGroup(groupOf.get(fqdn));
      // a host that goes away takes its open connections with it, as a real one would
      sessions.forEach(
          session -> {
            session.descendants().forEach(ProcessHandle::destroyForcibly);
            session.destroyForcibly();
          });
    } else {
      closeOverrideResources(fqdn);
    }
    applyOverride(host);
  }

  /**
   * The per-connection sshd processes of the group's sshd that serve connections to the address:
   * the children the group's sshd forked for them, found by their sockets ({@code ss}).
   */
  private List<ProcessHandle> sessionsOf(Group group, String address) {
    if (group.sshd == null) {
      return List.of();
    }
    long parent = group.sshd.pid();
    String listing;
    try {
      Process ss =
          new ProcessBuilder(
                  "ss", "-Htnp", "state", "established", "src", address + ":" + config.sshPort())
              .redirectErrorStream(true)
              .start();
      listing =
          new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      ss.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
    java.util.regex.Matcher pid = java.util.regex.Pattern.compile("pid=(\\d+)").matcher(listing);
    List<ProcessHandle> sessions = new ArrayList<>();
    while (pid.find()) {
      ProcessHandle.of(Long.parseLong(pid.group(1)))
          .filter(p -> p.parent().map(ProcessHandle::pid).orElse(-1L) == parent)
          .ifPresent(sessions::add);
    }
    return sessions;
  }

  /** Removes an override; the host is served by its group sshd again when none is left. */
  synchronized void clearOverride(String fqdn, Override kind) {
    Set<Override> current = overrides.getOrDefault(fqdn, new LinkedHashSet<>());
    if (!current.remove(kind)) {
      return;
    }
    closeOverrideResources(fqdn);
    if (current.isEmpty()) {
      overrides.remove(fqdn);
      if (!rebooting.contains(fqdn)) {
        restartGroup(groupOf.get(fqdn));
      }
    } else {
      applyOverride(topology.host(fqdn));
    }
  }

  private void applyOverride(LabTopology.Host host) {
    Set<Override> current = overrides.getOrDefault(host.fqdn(), Set.of());
    if (current.isEmpty() || rebooting.contains(host.fqdn()) || current.contains(Override.REFUSE)) {
      return; // nothing listens
    }
    List<AutoCloseable> resources = new ArrayList<>();
    if (current.contains(Override.TIMEOUT)) {
      resources.add(blackhole(host.address()));
    } else if (current.contains(Override.SILENT)) {
      resources.add(silent(host.address()));
    } else if (current.contains(Override.NEW_HOST_KEY)) {
      String name = "sshd-" + host.fqdn();
      Path key = sshDir.resolve("changed_host_key_" + host.fqdn());
      try {
        Files.deleteIfExists(key);
        Files.deleteIfExists(Path.of(key + ".pub"));
      } catch (IOException e) {
        throw new LabException("cannot replace " + key, e);
      }
      keygen(key, "changed-" + host.fqdn());
      ChildProcesses.Child sshd = startSshd(name, List.of(host.address()), key);
      resources.add(() -> processes.stop(sshd, Duration.ofSeconds(3)));
    }
    overrideResources.put(host.fqdn(), resources);
  }

  private void closeOverrideResources(String fqdn) {
    List<AutoCloseable> resources = overrideResources.remove(fqdn);
    if (resources != null) {
      resources.forEach(LabFleet::closeQuietly);
    }
  }

  /**
   * A listener whose accept queue is full: the kernel drops further SYNs, so clients time out
   * exactly as with a host that does not answer.
   */
  private AutoCloseable blackhole(String address) {
    try {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName(address), config.sshPort()), 1);
      List<Socket> fillers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Socket filler = new Socket();
        try {
          filler.connect(new InetSocketAddress(address, config.sshPort()), 300);
          fillers.add(filler);
        } catch (IOException full) {
          filler.close();
          break;
        }
      }
      return () -> {
        for (Socket s : fillers) {
          closeQuietly(s);
        }
        server.close();
      };
    } catch (IOException e) {
      throw new LabException("cannot make " + address + " time out: " + e.getMessage(), e);
    }
  }

  /**
   * A listener that accepts every connection and keeps it open without a word, as a host whose sshd
   * hangs before its banner: clients connect, then wait until their own timeout.
   */
  private AutoCloseable silent(String address) {
    ServerSocket server;
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName(address), config.sshPort()), 50);
    } catch (IOException e) {
      throw new LabException("cannot make " + address + " silent: " + e.getMessage(), e);
    }
    List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  accepted.add(server.accept());
                } catch (IOException closed) {
                  return;
                }
              }
            },
            "lab-silent-" + address);
    acceptor.setDaemon(true);
    acceptor.start();
    return () -> {
      server.close();
      accepted.forEach(LabFleet::closeQuietly);
      acceptor.join(2000);
    };
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // best effort
    }
  }

  /** Writes a per-host fault file for the command script. */
  void writeFault(String fqdn, String name, String content) {
    topology.host(fqdn);
    try {
      Files.writeString(stateDir(fqdn).resolve("faults").resolve(name), content + "\n");
    } catch (IOException e) {
      throw new LabException("cannot write fault " + name + " for " + fqdn, e);
    }
  }

  /** Removes a per-host fault file (and its counter, if any). */
  void removeFault(String fqdn, String name) {
    try {
      Files.deleteIfExists(stateDir(fqdn).resolve("faults").resolve(name));
      Files.deleteIfExists(stateDir(fqdn).resolve("faults").resolve(name + ".count"));
    } catch (IOException e) {
      throw new LabException("cannot remove fault " + name + " for " + fqdn, e);
    }
  }

  /** Makes the host's next reboots take this long (null: the lab's default). */
  void bootDuration(String fqdn, Duration duration) {
    topology.host(fqdn);
    if (duration == null) {
      bootDurations.remove(fqdn);
    } else {
      bootDurations.put(fqdn, duration);
    }
  }

  /**
   * Makes the host's next boots unclean: after each, its file server salvages for this long (null:
   * clean boots). A salvage under way runs to its end regardless.
   */
  void salvageDuration(String fqdn, Duration duration) {
    topology.host(fqdn);
    if (duration == null) {
      salvageDurations.remove(fqdn);
    } else {
      salvageDurations.put(fqdn, duration);
    }
  }

  /** Whether a host is in the middle of a reboot. */
  boolean isRebooting(String fqdn) {
    return rebooting.contains(fqdn);
  }

  private void watchReboots() {
    Path requests = dir.resolve("requests");
    while (!stopping) {
      try (Stream<Path> files = Files.list(requests)) {
        for (Path request : files.toList()) {
          String name = request.getFileName().toString();
          if (name.startsWith("reboot.")) {
            Files.deleteIfExists(request);
            String fqdn = name.substring("reboot.".length());
            Thread reboot = new Thread(() -> reboot(fqdn), "lab-reboot-" + fqdn);
            reboot.setDaemon(true);
            reboot.start();
          }
        }
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (stopping) {
          return;
        }
      }
    }
  }

  /**
   * How long an application server's MediaWiki keeps its copy of the etcd configuration before it
   * reads etcd again: what its siteinfo answers lags etcd by up to this much.
   */
  public static final Duration SITEINFO_CACHE = Duration.ofSeconds(1);

  /** The host goes down for the configured reboot time, then boots with its units started. */
  private void reboot(String fqdn) {
    synchronized (this) {
      if (stopping || !rebooting.add(fqdn)) {
        return;
      }
      try {
        // the fleet's command ends the sessions of connections opened before the reboot
        Files.writeString(stateDir(fqdn).resolve("rebooting"), "");
      } catch (IOException e) {
        // the lab is being removed
      }
      closeOverrideResources(fqdn);
      if (overrides.getOrDefault(fqdn, Set.of()).isEmpty()) {
        restartGroup(groupOf.get(fqdn));
      }
    }
    try {
      Thread.sleep(bootDurations.getOrDefault(fqdn, config.rebootDuration()).toMillis());
      boot(fqdn);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the lab is being removed
    } finally {
      synchronized (this) {
        rebooting.remove(fqdn);
        if (!stopping) {
          if (overrides.getOrDefault(fqdn, Set.of()).isEmpty()) {
            restartGroup(groupOf.get(fqdn));
          } else {
            applyOverride(topology.host(fqdn));
          }
        }
      }
    }
  }

  /**
   * Every unit starts, but those that a restart fault makes fail; the attempts that a {@code
   * RESTART_NEEDS_ATTEMPTS} fault counts start afresh after the boot. An unclean boot leaves the
   * file server salvaging ({@code salvage-until}, read by {@code bos status} and {@code
   * domtool-test-config}) while the units that depend on it are already up (reference 002).
   */
  private void boot(String fqdn) throws IOException {
    Path state = stateDir(fqdn);
    Files.deleteIfExists(state.resolve("rebooting"));
    LabTopology.Host host = topology.host(fqdn);
    long now = System.currentTimeMillis() / 1000;
    for (String unit : host.units()) {
      Path fault = state.resolve("faults").resolve("restart." + unit);
      Files.deleteIfExists(state.resolve("faults").resolve("restart." + unit + ".count"));
      String status = "active";
      if (Files.exists(fault)) {
        String kind = Files.readString(fault).strip().split(" ")[0];
        if (kind.equals("fail") || kind.equals("attempts")) {
          status = "failed";
        }
      }
      Files.writeString(state.resolve("units").resolve(unit), status + "\n");
      Files.deleteIfExists(state.resolve("registration").resolve(unit));
    }
    Files.writeString(state.resolve("cassandra-mode"), "NORMAL\n");
    Duration salvage = salvageDurations.get(fqdn);
    if (salvage == null) {
      Files.deleteIfExists(state.resolve("salvage-until"));
    } else {
      Files.writeString(state.resolve("salvage-until"), now + salvage.toSeconds() + "\n");
    }
    Files.writeString(state.resolve("boot-time"), now + "\n");
    // a new boot id with every boot, as /proc/sys/kernel/random/boot_id
    Files.writeString(state.resolve("boot-id"), java.util.UUID.randomUUID() + "\n");
  }
}
