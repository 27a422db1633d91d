package org.switchman.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real command-line clients (etcdctl, dig, nsupdate, mysql, ssh) in tests. */
public final class Cli {

  public record Result(int exit, String out, String err, Duration took) {
    public String all() {
      return out + err;
    }
  }

  private Cli() {}

  public static Result run(List<String> command) {
    return run(command, null, Map.of(), Duration.ofSeconds(60));
  }

  public static Result run(
      List<String> command, String stdin, Map<String, String> env, Duration timeout) {
    try {
      Path out = Files.createTempFile("cli-out", ".txt");
      Path err = Files.createTempFile("cli-err", ".txt");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        long t0 = System.nanoTime();
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
          if (stdin != null) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("timed out: " + command);
        }
        return new Result(
            process.exitValue(),
            Files.readString(out),
            Files.readString(err),
            Duration.ofNanos(System.nanoTime() - t0));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static Result etcdctl(Lab lab, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "etcdctl",
                "--endpoints=" + lab.etcdEndpoint(),
                "--command-timeout=3s",
                "--dial-timeout=2s"));
    command.addAll(List.of(args));
    return run(command, null, Map.of("ETCDCTL_API", "3"), Duration.ofSeconds(20));
  }

  public static Result dig(Lab lab, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "dig",
                "@" + lab.dnsServer(),
                "-p",
                Integer.toString(lab.dnsPort()),
                "+noall",
                "+answer",
                "+time=1",
                "+tries=1"));
    command.addAll(List.of(args));
    return run(command);
  }

  public static Result nsupdate(Lab lab, boolean withKey, String updates) {
    List<String> command = new ArrayList<>(List.of("nsupdate", "-t", "3"));
    if (withKey) {
      command.addAll(List.of("-k", lab.tsigKeyFile().toString()));
    }
    String script =
        "server "
            + lab.dnsServer()
            + " "
            + lab.dnsPort()
            + "\nzone discovery.wmnet\n"
            + updates
            + "\nsend\n";
    return run(command, script, Map.of(), Duration.ofSeconds(20));
  }

  /** mysql as the admin user on a master; tab-separated, no column names. */
  public static Result mysql(Lab lab, String section, String dc, String sql) {
    return mysqlAs(lab, lab.mysqlAdminUser(), lab.mysqlAdminPassword(), section, dc, sql);
  }

  /** mysql as the admin user, with column names (for vertical {@code \\G} output). */
  public static Result mysql(Lab lab, String section, String dc, String sql, boolean columnNames) {
    return run(
        List.of(
            "mysql",
            "-h",
            "127.0.0.1",
            "-P",
            Integer.toString(lab.mysqlPort(section, dc)),
            "-u",
            lab.mysqlAdminUser(),
            "-e",
            sql),
        null,
        Map.of("MYSQL_PWD", lab.mysqlAdminPassword()),
        Duration.ofSeconds(30));
  }

  public static Result mysqlAs(
      Lab lab, String user, String password, String section, String dc, String sql) {
    return run(
        List.of(
            "mysql",
            "-h",
            "127.0.0.1",
            "-P",
            Integer.toString(lab.mysqlPort(section, dc)),
            "-u",
            user,
            "--batch",
            "--skip-column-names",
            "-e",
            sql),
        null,
        Map.of("MYSQL_PWD", password),
        Duration.ofSeconds(30));
  }

  /** ssh to a fleet host by address, with strict host key checking against the lab's file. */
  public static Result ssh(Lab lab, String fqdn, String remoteCommand) {
    String address = lab.topology().host(fqdn).address();
    return run(
        List.of(
            "ssh",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "UserKnownHostsFile=" + lab.knownHostsFile(),
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=3",
            "-i",
            lab.clientKeyFile().toString(),
            "-p",
            Integer.toString(lab.sshPort()),
            lab.sshUser() + "@" + address,
            remoteCommand),
        null,
        Map.of(),
        Duration.ofSeconds(60));
  }
}
