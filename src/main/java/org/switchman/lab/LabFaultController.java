package org.switchman.lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.switchman.config.LabProfile;

/**
 * The lab's REST API (profile {@code lab}, administrators only).
 *
 * <ul>
 *   <li>{@code GET /lab/api/status}: endpoints (as in {@code lab.env}, without passwords) and sizes
 *   <li>{@code GET /lab/api/faults}: the active faults
 *   <li>{@code POST /lab/api/faults} with a {@link LabFault.Request}, for example {@code
 *       {"kind":"RESTART_NEEDS_ATTEMPTS","host":"mw1001.eqiad.wmnet","unit":"php-fpm","count":3}}:
 *       injects a fault, answers 201 with its id
 *   <li>{@code DELETE /lab/api/faults/{id}}: clears one fault; {@code DELETE /lab/api/faults}
 *       clears all
 * </ul>
 */
@RestController
@Profile("lab")
@ConditionalOnProperty(name = LabProfile.SERVERS, havingValue = "true", matchIfMissing = true)
@RequestMapping("/lab/api")
public class LabFaultController {

  private final Lab lab;

  public LabFaultController(Lab lab) {
    this.lab = lab;
  }

  @GetMapping("/status")
  public Map<String, Object> status() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("running", lab.isRunning());
    status.put("hosts", lab.topology().hosts().size());
    status.put("sections", lab.config().sections());
    status.put("startupMillis", lab.startupTime().toMillis());
    Map<String, String> env = new LinkedHashMap<>(lab.envVariables());
    env.keySet().removeIf(k -> k.contains("PASSWORD"));
    status.put("env", env);
    return status;
  }

  @GetMapping("/faults")
  public List<LabFault> faults() {
    return lab.faults().active();
  }

  @PostMapping("/faults")
  public ResponseEntity<LabFault> inject(@RequestBody LabFault.Request request) {
    return ResponseEntity.status(HttpStatus.CREATED).body(lab.faults().inject(request));
  }

  @DeleteMapping("/faults/{id}")
  public ResponseEntity<Void> clear(@PathVariable String id) {
    boolean known = lab.faults().active().stream().anyMatch(f -> f.id().equals(id));
    if (!known) {
      return ResponseEntity.notFound().build();
    }
    lab.faults().clear(id);
    return ResponseEntity.noContent().build();
  }

  @DeleteMapping("/faults")
  public ResponseEntity<Void> clearAll() {
    lab.faults().clearAll();
    return ResponseEntity.noContent().build();
  }

  @ExceptionHandler({IllegalArgumentException.class, NullPointerException.class})
  public ResponseEntity<Map<String, String>> badRequest(RuntimeException e) {
    return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
  }

  @ExceptionHandler(LabException.class)
  public ResponseEntity<Map<String, String>> labError(LabException e) {
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
        .body(Map.of("error", e.getMessage()));
  }
}
