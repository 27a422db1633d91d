package org.switchman.web.login;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.security.EngineUserLocks;

/**
 * Undoing a login lockout ({@code camunda-admin} only; the security filter chain checks): {@code
 * POST /switchman/api/logins/unlock} with {@code {"address": "192.0.2.7"}} clears the throttle of a
 * client address, with {@code {"user": "dave"}} the engine's lock on a user. An optional {@code
 * "reason"} is kept. Each unlock is journaled (kind {@code LOGIN}, under the journal's {@value
 * #JOURNAL_RUN} entries, since it belongs to no run) and written to the ops log.
 */
@RestController
@RequestMapping("/switchman/api/logins")
public class LoginsApi {

  /** The journal's run id for account administration, which belongs to no run. */
  public static final String JOURNAL_RUN = "logins";

  private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f.:]{2,45}");
  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9]{1,64}");

  private final LoginThrottle throttle;
  private final EngineUserLocks users;
  private final Journal journal;
  private final OpsLog opsLog;

  public LoginsApi(LoginThrottle throttle, EngineUserLocks users, Journal journal, OpsLog opsLog) {
    this.throttle = throttle;
    this.users = users;
    this.journal = journal;
    this.opsLog = opsLog;
  }

  @PostMapping("/unlock")
  public ResponseEntity<Map<String, Object>> unlock(
      @RequestBody(required = false) Map<String, String> request, Authentication admin) {
    String address = field(request, "address");
    String user = field(request, "user");
    String reason = field(request, "reason");
    if ((address == null) == (user == null)) {
      return problem(
          HttpStatus.BAD_REQUEST,
          "InvalidRequest",
          "Give either \"address\" (a client IP address) or \"user\" (a user id) to unlock");
    }
    if (address != null && !ADDRESS.matcher(address).matches()) {
      return problem(
          HttpStatus.BAD_REQUEST,
          "InvalidRequest",
          "\"address\" must be an IPv4 or IPv6 address, not '" + printable(address) + "'");
    }
    if (user != null && !USER_ID.matcher(user).matches()) {
      return problem(
          HttpStatus.BAD_REQUEST,
          "InvalidRequest",
          "\"user\" must be a user id (letters and digits), not '" + printable(user) + "'");
    }
    boolean wasLocked;
    String target;
    if (address != null) {
      wasLocked = throttle.clear(address);
      target = "address " + address;
    } else {
      EngineUserLocks.Unlock result = users.unlock(user);
      if (result == EngineUserLocks.Unlock.NO_SUCH_USER) {
        return problem(HttpStatus.NOT_FOUND, "NotFound", "There is no user " + user);
      }
      wasLocked = result == EngineUserLocks.Unlock.UNLOCKED;
      target = "user " + user;
    }
    String outcome = wasLocked ? "UNLOCKED" : "WAS_NOT_LOCKED";
    journal.append(
        JournalKind.LOGIN.entry(
            new JournalEntry.Origin(JOURNAL_RUN, "logins-unlock", admin.getName(), "live"),
            target,
            "unlock logins of " + target,
            outcome,
            reason));
    opsLog.record(
        new OpsEvent(
            Instant.now(),
            OpsEvent.Kind.LOGIN_UNLOCKED,
            null,
            null,
            admin.getName(),
            null,
            null,
            target
                + (wasLocked ? " unlocked" : " was not locked")
                + (reason == null ? "" : ": " + reason)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(address != null ? "address" : "user", address != null ? address : user);
    body.put("wasLocked", wasLocked);
    body.put("message", wasLocked ? target + " may log in again" : target + " was not locked");
    return ResponseEntity.ok(body);
  }

  private static String field(Map<String, String> request, String name) {
    String value = request == null ? null : request.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String printable(String text) {
    String shown = text.length() > 64 ? text.substring(0, 64) + "…" : text;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }

  private static ResponseEntity<Map<String, Object>> problem(
      HttpStatus status, String type, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("message", message);
    return ResponseEntity.status(status).body(body);
  }
}
