package org.switchman.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Starts the lab's child processes so that they die with the JVM.
 *
 * <p>Every child runs under {@code setpriv --pdeathsig TERM}. The kernel sends that signal when the
 * <em>thread</em> that forked the child ends, so all children are forked from one long-lived thread
 * owned by this class. Every PID is appended to a file that the watchdog reads when the JVM dies
 * without running its shutdown hooks.
 */
final class ChildProcesses implements AutoCloseable {

  /** A running child. */
  record Child(String name, Process process) {
    long pid() {
      return process.pid();
    }

    boolean alive() {
      return process.isAlive();
    }
  }

  private final ExecutorService spawner =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "lab-spawner");
            t.setDaemon(true);
            return t;
          });
  private final List<Child> children = new CopyOnWriteArrayList<>();
  private final Path pidFile;

  ChildProcesses(Path pidFile) {
    this.pidFile = pidFile;
  }

  /**
   * Starts a long-running child.
   *
   * @param name a name for logs and errors
   * @param command the program and its arguments
   * @param log stdout and stderr go here (appended)
   * @param env extra environment variables
   */
  Child start(String name, List<String> command, Path log, Map<String, String> env) {
    List<String> full = new ArrayList<>(List.of("setpriv", "--pdeathsig", "TERM", "--"));
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putAll(env);
    try {
      Process process = spawner.submit(builder::start).get();
      Child child = new Child(name, process);
      children.add(child);
      Files.writeString(
          pidFile,
          process.pid() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return child;
    } catch (ExecutionException e) {
      throw new LabException("cannot start " + name + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while starting " + name, e);
    } catch (IOException e) {
      throw new LabException("cannot record the PID of " + name, e);
    }
  }

  /**
   * Runs a short command to completion and returns its output.
   *
   * @throws LabException if it exits non-zero or takes longer than the timeout
   */
  String run(String name, List<String> command, Duration timeout, Map<String, String> env) {
    List<String> full = new ArrayList<>(List.of("setpriv", "--pdeathsig", "TERM", "--"));
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
    builder.environment().putAll(env);
    try {
      Process process = spawner.submit(builder::start).get();
      process.getOutputStream().close();
      // read on another thread, so that a command that hangs with its output open still times out
      java.util.concurrent.CompletableFuture<byte[]> out =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return process.getInputStream().readAllBytes();
                } catch (IOException e) {
                  return new byte[0];
                }
              });
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new LabException(name + " did not finish within " + timeout);
      }
      String text =
          new String(out.get(timeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new LabException(
            name + " failed with exit code " + process.exitValue() + ": " + text.strip());
      }
      return text;
    } catch (ExecutionException e) {
      throw new LabException("cannot run " + name + ": " + e.getCause().getMessage(), e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new LabException(name + " exited but its output stayed open past " + timeout, e);
    } catch (IOException e) {
      throw new LabException("cannot run " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while running " + name, e);
    }
  }

  /**
   * Sends a signal to a child, for example {@code STOP} or {@code CONT}.
   *
   * @throws LabException if the child is gone
   */
  void signal(Child child, String signal) {
    if (!child.alive()) {
      throw new LabException(child.name() + " is not running");
    }
    run(
        "kill -" + signal + " " + child.name(),
        List.of("kill", "-" + signal, Long.toString(child.pid())),
        Duration.ofSeconds(5),
        Map.of());
  }

  /** Continues stopped children, so that they act on TERM (a stopped process only dies of KILL). */
  private static void continueStopped(List<Child> stopped) {
    List<String> command = new ArrayList<>(List.of("kill", "-CONT"));
    // a frozen server may have frozen processes of its own (PostgreSQL's sessions): they must run
    // to see their server go, or they are left stopped for good
    stopped.stream()
        .filter(Child::alive)
        .forEach(
            c -> {
              command.add(Long.toString(c.pid()));
              c.process()
                  .toHandle()
                  .descendants()
                  .forEach(d -> command.add(Long.toString(d.pid())));
            });
    if (command.size() == 2) {
      return;
    }
    try {
      new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      // KILL after the grace period still ends them
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends TERM, waits up to the grace period, then kills. */
  void stop(Child child, Duration grace) {
    Process process = child.process();
    List<ProcessHandle> own = process.toHandle().descendants().toList();
    process.destroy();
    continueStopped(List.of(child));
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        killWithItsOwn(process, own);
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      killWithItsOwn(process, own);
      Thread.currentThread().interrupt();
    }
    children.remove(child);
  }

  /** Kills a child and the processes it had started, which would outlive it otherwise. */
  private static void killWithItsOwn(Process process, List<ProcessHandle> own) {
    process.destroyForcibly();
    own.forEach(ProcessHandle::destroyForcibly);
  }

  /** Every child still tracked. */
  List<Child> children() {
    return List.copyOf(children);
  }

  /** Stops every child (TERM to all at once, then waits), then the spawner thread. */
  @Override
  public void close() {
    List<Child> all = List.copyOf(children);
    java.util.Map<Child, List<ProcessHandle>> own = new java.util.HashMap<>();
    all.forEach(c -> own.put(c, c.process().toHandle().descendants().toList()));
    all.forEach(c -> c.process().destroy());
    continueStopped(all);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Child child : all) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!child.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          killWithItsOwn(child.process(), own.get(child));
          child.process().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        killWithItsOwn(child.process(), own.get(child));
        Thread.currentThread().interrupt();
      }
    }
    children.removeAll(all);
    spawner.shutdownNow();
  }
}
