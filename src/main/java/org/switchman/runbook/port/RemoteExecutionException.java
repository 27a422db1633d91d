package org.switchman.runbook.port;

/** Why a remote command did not succeed. Each case is its own subclass with a clear message. */
public abstract class RemoteExecutionException extends RuntimeException {

  private final String host;

  protected RemoteExecutionException(String host, String message, Throwable cause) {
    super(message, cause);
    this.host = host;
  }

  public String host() {
    return host;
  }

  /** The host presented a key that known_hosts does not list. */
  public static class HostKeyUnknown extends RemoteExecutionException {
    public HostKeyUnknown(String host, String fingerprint) {
      super(
          host,
          "Unknown host key for "
              + host
              + " ("
              + fingerprint
              + "): not in known_hosts;"
              + " verify the host and add its key, Switchman never trusts on first use",
          null);
    }
  }

  /** The host presented a key different from the one in known_hosts. */
  public static class HostKeyChanged extends RemoteExecutionException {
    public HostKeyChanged(String host, String fingerprint) {
      super(
          host,
          "Host key for "
              + host
              + " has CHANGED (now "
              + fingerprint
              + "): possible"
              + " impersonation or a reinstalled host; verify it before updating known_hosts",
          null);
    }
  }

  /** No answer within the connect timeout. */
  public static class Unreachable extends RemoteExecutionException {
    public Unreachable(String host, String detail, Throwable cause) {
      super(host, host + " is unreachable: " + detail, cause);
    }
  }

  /** The host actively refused the connection. */
  public static class Refused extends RemoteExecutionException {
    public Refused(String host, Throwable cause) {
      super(host, host + " refused the SSH connection", cause);
    }
  }

  /** The host did not accept the client key. */
  public static class AuthenticationFailed extends RemoteExecutionException {
    public AuthenticationFailed(String host, String user, Throwable cause) {
      super(host, host + " did not accept the key of user " + user, cause);
    }
  }

  /**
   * The command ran longer than its timeout and was abandoned: it may still have done what it was
   * for ({@link OutcomeUnknown}).
   */
  public static class CommandTimedOut extends RemoteExecutionException implements OutcomeUnknown {
    public CommandTimedOut(String host, String command, java.time.Duration timeout) {
      super(host, "'" + command + "' on " + host + " did not finish within " + timeout, null);
    }
  }

  /** The command ran and exited non-zero. */
  public static class NonZeroExit extends RemoteExecutionException {
    private final RemoteExecutor.CommandResult result;

    public NonZeroExit(RemoteExecutor.CommandResult result) {
      super(
          result.host(),
          "'"
              + result.command()
              + "' on "
              + result.host()
              + " exited "
              + result.exitCode()
              + (result.stderr() == null || result.stderr().isBlank()
                  ? ""
                  : ": " + result.stderr().strip()),
          null);
      this.result = result;
    }

    public RemoteExecutor.CommandResult result() {
      return result;
    }
  }
}
