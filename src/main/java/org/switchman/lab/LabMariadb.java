package org.switchman.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.logging.Logger;

/**
 * The MariaDB masters: one per section and DC, GTID circular replication between the two masters of
 * a section, {@code pt-heartbeat} on each, and a write load per section.
 *
 * <p>Heartbeat rows carry {@code datacenter} and {@code shard} columns as in production: each
 * master's table gives them its own DC and section as column defaults, and row-based replication
 * carries the values to the other DC. {@code server_id} is {@code 1000*d + i + 1} ({@code d} 1
 * eqiad, 2 codfw; {@code i} the section's index), for example 1001 for s1 in eqiad.
 */
final class LabMariadb {

  private static final Logger LOG = Logger.getLogger(LabMariadb.class.getName());

  static final String ADMIN_USER = "switchman_admin";
  static final String APP_USER = "switchman_app";
  static final String HEARTBEAT_USER = "heartbeat";
  static final String REPLICATION_USER = "repl";

  /** Changes whenever the template's creation options change, so that old caches are rebuilt. */
  private static final String TEMPLATE_LAYOUT = "small-ibdata";

  /**
   * One master: its configuration, data and logs in {@code dir}, its Unix socket in {@code socket}
   * (in the lab's short socket directory, see {@link LabSocketDir}).
   */
  record Instance(String section, String dc, int port, int serverId, Path dir, Path socket) {
    Path errorLog() {
      return dir.resolve("error.log");
    }
  }

  private final LabConfig config;
  private final ChildProcesses processes;
  private final LabSecrets secrets;
  private final Path dir;
  private final List<Instance> instances = new ArrayList<>();
  private final Map<Instance, ChildProcesses.Child> servers = new ConcurrentHashMap<>();
  private final Map<Instance, ChildProcesses.Child> heartbeats = new ConcurrentHashMap<>();

  LabMariadb(LabConfig config, ChildProcesses processes, LabSecrets secrets) {
    this.config = config;
    this.processes = processes;
    this.secrets = secrets;
    this.dir = config.runDir().resolve("mysql");
    for (String section : config.sections()) {
      for (String dc : LabTopology.DATACENTERS) {
        int serverId =
            1000 * LabTopology.dcDigit(dc) + LabTopology.ALL_SECTIONS.indexOf(section) + 1;
        instances.add(
            new Instance(
                section,
                dc,
                config.mysqlPort(section, dc),
                serverId,
                dir.resolve(section + "-" + dc),
                config.socketDir().resolve("mysql-" + section + "-" + dc + ".sock")));
      }
    }
  }

  List<Instance> instances() {
    return instances;
  }

  Instance instance(String section, String dc) {
    return instances.stream()
        .filter(i -> i.section().equals(section) && i.dc().equals(dc))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException("no lab master for section " + section + " in " + dc));
  }

  /**
   * Starts every master in parallel, then pt-heartbeat on each. Each master holds a heartbeat row
   * of its own from its first start ({@link #initSql}), as a production master does, so a catch-up
   * check has its reference the moment the lab is up; it then waits for pt-heartbeat's newer rows.
   */
  void start(ExecutorService pool) throws IOException {
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    Path template = template();
    LOG.fine(() -> "template ready after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    Path adminCnf = dir.resolve("admin.cnf");
    LabFiles.writeSecret(
        adminCnf,
        "[client]\nuser="
            + ADMIN_USER
            + "\npassword="
            + secrets.mysqlAdminPassword()
            + "\nhost=127.0.0.1\n");
    LabFiles.writeSecret(
        dir.resolve("heartbeat.cnf"),
        "[client]\nuser="
            + HEARTBEAT_USER
            + "\npassword="
            + secrets.mysqlHeartbeatPassword()
            + "\n");
    List<CompletableFuture<Void>> started = new ArrayList<>();
    for (Instance instance : instances) {
      started.add(CompletableFuture.runAsync(() -> startInstance(instance, template), pool));
    }
    LabFiles.join(started);
    // pt-heartbeat once every master answers, so that its start does not slow the servers'
    instances.forEach(this::startHeartbeat);
  }

  private void startHeartbeat(Instance instance) {
    heartbeats.put(
        instance,
        processes.start(
            "pt-heartbeat " + instance.section() + "-" + instance.dc(),
            List.of(
                RequiredPrograms.path("pt-heartbeat"),
                "--update",
                "--replace",
                "--utc",
                "--interval",
                "0.5",
                "--database",
                "heartbeat",
                "--table",
                "heartbeat",
                "F=" + dir.resolve("heartbeat.cnf") + ",h=127.0.0.1,P=" + instance.port()),
            instance.dir().resolve("pt-heartbeat.log"),
            Map.of()));
  }

  /** Stops one master and its pt-heartbeat, keeping the data. */
  void halt(String section, String dc) {
    Instance instance = instance(section, dc);
    ChildProcesses.Child heartbeat = heartbeats.remove(instance);
    if (heartbeat != null) {
      processes.stop(heartbeat, Duration.ofSeconds(3));
    }
    ChildProcesses.Child server = servers.remove(instance);
    if (server == null) {
      throw new IllegalArgumentException("MariaDB " + section + "-" + dc + " is already down");
    }
    processes.stop(server, Duration.ofSeconds(20));
  }

  /**
   * Starts a halted master again on its data, without the first start's init file (its users and
   * tables exist); its replica threads start by themselves and reconnect to the peer.
   */
  void launch(String section, String dc) {
    Instance instance = instance(section, dc);
    Path cnf = instance.dir().resolve("my-restart.cnf");
    try {
      Files.writeString(cnf, myCnf(instance).replaceAll("(?m)^init_file=.*\n", ""));
    } catch (IOException e) {
      throw new LabException("cannot write " + cnf, e);
    }
    ChildProcesses.Child server =
        processes.start(
            "mariadbd " + section + "-" + dc,
            List.of(RequiredPrograms.path("mariadbd"), "--defaults-file=" + cnf),
            instance.dir().resolve("stdout.log"),
            Map.of());
    servers.put(instance, server);
    Readiness.await(
        "MariaDB " + section + "-" + dc,
        Duration.ofSeconds(30),
        server,
        instance.errorLog(),
        () -> Readiness.mysqlHandshake(instance.port()));
    startHeartbeat(instance);
  }

  /** Freezes one master (SIGSTOP) or lets it go on (SIGCONT). */
  void pause(String section, String dc, boolean on) {
    ChildProcesses.Child server = servers.get(instance(section, dc));
    if (server == null) {
      throw new IllegalArgumentException("MariaDB " + section + "-" + dc + " is down");
    }
    processes.signal(server, on ? "STOP" : "CONT");
  }

  /** What the session that holds a {@link LabFault.Kind#DB_LOCKED} lock runs, to find it. */
  private static final String LOCK_MARKER = "lab_db_locked";

  /**
   * Holds a write lock on a table of its own on one master, in a session of its own, until the
   * returned handle is closed; {@code SET GLOBAL read_only} (which takes the global read lock)
   * waits for it. The table lives in schema {@code lab_fault}, outside the binary log, and is
   * dropped on release.
   */
  AutoCloseable lockTables(String section, String dc) {
    Instance instance = instance(section, dc);
    sql(
        section,
        dc,
        "SET sql_log_bin=0; CREATE DATABASE IF NOT EXISTS lab_fault;"
            + " CREATE TABLE IF NOT EXISTS lab_fault.locked (id INT);");
    ChildProcesses.Child holder =
        processes.start(
            "lock holder " + section + "-" + dc,
            List.of(
                RequiredPrograms.path("mariadb"),
                "--defaults-extra-file=" + dir.resolve("admin.cnf"),
                "--port=" + instance.port(),
                "--batch",
                "-e",
                "LOCK TABLES lab_fault.locked WRITE; SELECT SLEEP(31536000) AS "
                    + LOCK_MARKER
                    + ";"),
            instance.dir().resolve("lock-holder.log"),
            Map.of());
    String find =
        "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%AS "
            + LOCK_MARKER
            + "%' AND ID <> CONNECTION_ID()";
    try {
      Readiness.await(
          "lock on " + section + "-" + dc,
          Duration.ofSeconds(10),
          holder,
          instance.dir().resolve("lock-holder.log"),
          () -> !sql(section, dc, find).isBlank());
    } catch (LabException e) {
      processes.stop(holder, Duration.ofSeconds(3));
      throw e;
    }
    return () -> {
      for (String id : sql(section, dc, find).strip().split("\\s+")) {
        if (!id.isBlank()) {
          sql(section, dc, "KILL " + id);
        }
      }
      processes.stop(holder, Duration.ofSeconds(3));
      sql(section, dc, "SET sql_log_bin=0; DROP DATABASE IF EXISTS lab_fault;");
    };
  }

  private void startInstance(Instance instance, Path template) {
    try {
      Files.createDirectories(instance.dir());
      processes.run(
          "copy template datadir",
          List.of(
              "cp",
              "-a",
              "--reflink=auto",
              template.toString(),
              instance.dir().resolve("data").toString()),
          Duration.ofSeconds(60),
          Map.of());
      LabFiles.writeSecret(instance.dir().resolve("init.sql"), initSql(instance));
      Files.writeString(instance.dir().resolve("my.cnf"), myCnf(instance));
    } catch (IOException e) {
      throw new LabException(
          "cannot prepare MariaDB " + instance.section() + "-" + instance.dc(), e);
    }
    LOG.finer(() -> "copied " + instance.section() + "-" + instance.dc());
    ChildProcesses.Child server =
        processes.start(
            "mariadbd " + instance.section() + "-" + instance.dc(),
            List.of(
                RequiredPrograms.path("mariadbd"),
                "--defaults-file=" + instance.dir().resolve("my.cnf")),
            instance.dir().resolve("stdout.log"),
            Map.of());
    servers.put(instance, server);
    Readiness.await(
        "MariaDB " + instance.section() + "-" + instance.dc(),
        Duration.ofSeconds(30),
        server,
        instance.errorLog(),
        () -> Readiness.mysqlHandshake(instance.port()));
  }

  /**
   * Where the template datadir of a MariaDB version is cached.
   *
   * @param versionOutput what {@code mariadbd --version} prints
   */
  static Path cachedTemplate(LabConfig config, String versionOutput) {
    String version =
        versionOutput
            .replaceAll(".*Ver ([^ ]+).*(?s)", "$1")
            .strip()
            .replaceAll("[^A-Za-z0-9._-]", "_");
    return config.templateCacheDir().resolve("mariadb-" + version + "-" + TEMPLATE_LAYOUT);
  }

  /** The template datadir, built once per MariaDB version and cached. */
  private Path template() throws IOException {
    Path cached =
        cachedTemplate(
            config,
            processes.run(
                "mariadbd --version",
                List.of(RequiredPrograms.path("mariadbd"), "--version"),
                Duration.ofSeconds(10),
                Map.of()));
    if (Files.isDirectory(cached.resolve("mysql"))) {
      return cached;
    }
    Files.createDirectories(config.templateCacheDir());
    try (var stale = Files.list(config.templateCacheDir())) {
      // left behind by a build that was killed (a build takes seconds, not minutes)
      long cutoff = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
      stale
          .filter(p -> p.getFileName().toString().startsWith("building-"))
          .filter(p -> p.toFile().lastModified() < cutoff)
          .forEach(LabFiles::deleteTree);
    }
    Path building = Files.createTempDirectory(config.templateCacheDir(), "building-");
    // the bootstrap's temporary tables in a directory of its own, not the shared /tmp
    Path tmp = Files.createTempDirectory(config.templateCacheDir(), "building-tmp-");
    try {
      List<String> installDb =
          List.of(
              RequiredPrograms.path("mariadb-install-db"),
              "--no-defaults",
              "--datadir=" + building,
              "--tmpdir=" + tmp,
              "--user=root",
              "--skip-test-db",
              "--auth-root-authentication-method=socket",
              "--innodb-log-file-size=4M",
              "--innodb-buffer-pool-size=8M",
              "--innodb-data-file-path=ibdata1:4M:autoextend",
              "--innodb-autoextend-increment=1");
      try {
        processes.run("mariadb-install-db", installDb, Duration.ofSeconds(120), Map.of());
      } catch (LabException once) {
        // seen once on a machine with three test JVMs busy: the bootstrap lost a temporary table
        // ("Unknown table 'mysql.tmp_proxies_priv'"); a second try on an empty datadir is cheap
        LOG.warning(() -> "mariadb-install-db failed, trying once more: " + once.getMessage());
        LabFiles.deleteTree(building);
        Files.createDirectories(building);
        processes.run("mariadb-install-db", installDb, Duration.ofSeconds(120), Map.of());
      }
      try {
        Files.move(building, cached, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        if (!Files.isDirectory(cached.resolve("mysql"))) {
          throw raced;
        } // another lab built the same template meanwhile
      }
    } finally {
      LabFiles.deleteTree(building);
      LabFiles.deleteTree(tmp);
    }
    return cached;
  }

  private String myCnf(Instance i) {
    int d = LabTopology.dcDigit(i.dc());
    boolean primary = i.dc().equals(LabTopology.PRIMARY_DC);
    return """
        [mariadbd]
        user=root
        datadir=%1$s/data
        socket=%6$s
        pid-file=%1$s/mysqld.pid
        log-error=%7$s
        port=%2$d
        bind-address=127.0.0.1
        skip-name-resolve
        server_id=%3$d
        gtid_domain_id=%4$d
        log_bin=binlog
        relay_log=relay
        binlog_format=ROW
        log_slave_updates=ON
        gtid_strict_mode=ON
        read_only=%5$s
        auto_increment_increment=2
        auto_increment_offset=%4$d
        event_scheduler=ON
        init_file=%1$s/init.sql
        innodb_buffer_pool_size=8M
        innodb_log_file_size=4M
        innodb_data_file_path=ibdata1:4M:autoextend
        innodb_autoextend_increment=8
        innodb_temp_data_file_path=ibtmp1:1M:autoextend
        innodb_log_buffer_size=2M
        innodb_use_native_aio=0
        innodb_buffer_pool_load_at_startup=OFF
        innodb_buffer_pool_dump_at_shutdown=OFF
        innodb_adaptive_hash_index=OFF
        innodb_read_io_threads=1
        innodb_write_io_threads=1
        innodb_purge_threads=1
        aria_pagecache_buffer_size=1M
        query_cache_size=0
        innodb_flush_log_at_trx_commit=2
        sync_binlog=0
        performance_schema=OFF
        max_connections=60
        table_open_cache=256
        key_buffer_size=1M
        thread_cache_size=4
        """
        .formatted(
            i.dir(), i.port(), i.serverId(), d, primary ? "OFF" : "ON", i.socket(), i.errorLog());
  }

  private String initSql(Instance i) {
    Instance peer =
        instances.stream()
            .filter(o -> o.section().equals(i.section()) && !o.dc().equals(i.dc()))
            .findFirst()
            .orElseThrow();
    String load =
        "INSERT INTO wiki.edits (dc, section, payload) VALUES "
            + ("('" + i.dc() + "', '" + i.section() + "', REPEAT('x', 200)), ").repeat(4)
            + "('"
            + i.dc()
            + "', '"
            + i.section()
            + "', REPEAT('x', 200))";
    // one statement per line: the server reads init_file line by line
    return String.join(
        "\n",
        "SET sql_log_bin=0;",
        "CREATE USER '"
            + ADMIN_USER
            + "'@'%' IDENTIFIED BY '"
            + secrets.mysqlAdminPassword()
            + "';",
        "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN_USER + "'@'%' WITH GRANT OPTION;",
        "CREATE USER '"
            + HEARTBEAT_USER
            + "'@'%' IDENTIFIED BY '"
            + secrets.mysqlHeartbeatPassword()
            + "';",
        "GRANT ALL PRIVILEGES ON *.* TO '" + HEARTBEAT_USER + "'@'%';",
        "CREATE USER '"
            + REPLICATION_USER
            + "'@'%' IDENTIFIED BY '"
            + secrets.mysqlReplicationPassword()
            + "';",
        "GRANT REPLICATION SLAVE ON *.* TO '" + REPLICATION_USER + "'@'%';",
        "CREATE USER '" + APP_USER + "'@'%' IDENTIFIED BY '" + secrets.mysqlAppPassword() + "';",
        "CREATE DATABASE wiki;",
        "GRANT SELECT, INSERT, UPDATE, DELETE, EVENT ON wiki.* TO '" + APP_USER + "'@'%';",
        "CREATE TABLE wiki.edits (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
            + " ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), dc VARCHAR(5) NOT NULL,"
            + " section VARCHAR(10) NOT NULL, payload VARCHAR(255) NOT NULL);",
        "CREATE DATABASE heartbeat;",
        "CREATE TABLE heartbeat.heartbeat (ts VARCHAR(26) NOT NULL,"
            + " server_id INT UNSIGNED NOT NULL PRIMARY KEY, file VARCHAR(255) DEFAULT NULL,"
            + " position BIGINT UNSIGNED DEFAULT NULL,"
            + " relay_master_log_file VARCHAR(255) DEFAULT NULL,"
            + " exec_master_log_pos BIGINT UNSIGNED DEFAULT NULL,"
            + " shard VARCHAR(10) NOT NULL DEFAULT '"
            + i.section()
            + "',"
            + " datacenter VARCHAR(5) NOT NULL DEFAULT '"
            + i.dc()
            + "');",
        // the master's first heartbeat, written as pt-heartbeat --utc writes it, and replicated
        "SET sql_log_bin=1;",
        "INSERT INTO heartbeat.heartbeat (ts, server_id) VALUES"
            + " (DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%f'), "
            + i.serverId()
            + ");",
        "SET sql_log_bin=0;",
        "CREATE DEFINER='"
            + APP_USER
            + "'@'%' EVENT wiki.write_load ON SCHEDULE EVERY 1 SECOND"
            + " DO BEGIN DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END; "
            + load
            + "; END;",
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT="
            + peer.port()
            + ", MASTER_USER='"
            + REPLICATION_USER
            + "', MASTER_PASSWORD='"
            + secrets.mysqlReplicationPassword()
            + "', MASTER_USE_GTID=slave_pos,"
            + " MASTER_CONNECT_RETRY=1;",
        "START SLAVE;",
        "");
  }

  /**
   * Runs SQL on one master as the admin user with the {@code mariadb} client.
   *
   * @return the tab-separated output without column names
   */
  String sql(String section, String dc, String statements) {
    Instance instance = instance(section, dc);
    return processes.run(
        "mariadb " + section + "-" + dc,
        List.of(
            RequiredPrograms.path("mariadb"),
            "--defaults-extra-file=" + dir.resolve("admin.cnf"),
            "--port=" + instance.port(),
            "--batch",
            "--skip-column-names",
            "-e",
            statements),
        Duration.ofSeconds(30),
        Map.of());
  }
}
