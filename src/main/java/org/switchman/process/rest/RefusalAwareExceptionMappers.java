package org.switchman.process.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.rest.exception.ProcessEngineExceptionHandler;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.camunda.bpm.engine.rest.exception.RestExceptionHandler;
import org.switchman.process.decisions.InvalidDecisionException;
import org.switchman.process.deployment.DeploymentRefusedException;
import org.switchman.process.foureyes.FourEyesViolationException;
import org.switchman.process.gates.GateRefusedException;
import org.switchman.process.gates.RefusedInputException;
import org.switchman.process.tasks.LateCompletions;
import org.switchman.process.tasks.TaskNoLongerOpenException;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.port.InfrastructureUnavailableException;
import org.switchman.runbook.port.RunbookLock;

/**
 * Replacements for Camunda's REST exception mappers that answer a four-eyes refusal or a gate rule
 * ({@link GateRefusedException}) with 403, a rejected start, decision or deployment with 400, a
 * held runbook lock, a completion of a task someone else completed first ({@link
 * TaskNoLongerOpenException}) or a request that collided with a concurrent change of the run (the
 * engine's optimistic locking, which rolled it back) with 409, and a server of the site that did
 * not answer ({@link InfrastructureUnavailableException}) or an engine database that did not answer
 * (no connection, a broken one, a statement timed out) with 503, each with its plain message,
 * instead of a 500 wrapped in engine listener text. Everything else is handled exactly as Camunda
 * does.
 */
final class RefusalAwareExceptionMappers {

  static final String REFUSAL_TYPE = "FourEyesViolation";
  static final String GATE_TYPE = "GateRefusal";

  /** The engine's code for skipCustomListeners / skipIoMappings on a start at the start event. */
  static final String SKIP_AT_DEFAULT_START = "ENGINE-13024";

  private RefusalAwareExceptionMappers() {}

  static Response refusalOrNull(Throwable error) {
    boolean concurrent = false;
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof GateRefusedException refused) {
        return answer(Response.Status.FORBIDDEN, GATE_TYPE, refused.getMessage());
      }
      if (cause instanceof RefusedInputException refused) {
        return answer(Response.Status.BAD_REQUEST, "InvalidRequest", refused.getMessage());
      }
      if (cause instanceof FourEyesViolationException refusal) {
        return answer(Response.Status.FORBIDDEN, REFUSAL_TYPE, refusal.getMessage());
      }
      if (cause instanceof InvalidRequestException invalid) {
        return answer(Response.Status.BAD_REQUEST, "InvalidRequest", invalid.getMessage());
      }
      if (cause instanceof InvalidDecisionException invalid) {
        return answer(Response.Status.BAD_REQUEST, "InvalidDecision", invalid.getMessage());
      }
      if (cause instanceof DeploymentRefusedException refused) {
        return answer(Response.Status.BAD_REQUEST, "DeploymentRefused", refused.getMessage());
      }
      if (cause instanceof TaskNoLongerOpenException late) {
        LateCompletions.takeLastOnThisThread(); // answered here; the webapps' filter needs it not
        return answer(Response.Status.CONFLICT, "TaskNoLongerOpen", late.getMessage());
      }
      if (cause instanceof InfrastructureUnavailableException down) {
        // an etcd, DNS or database server that did not answer: the engine rolled the request back
        return answer(
            Response.Status.SERVICE_UNAVAILABLE,
            "InfrastructureUnavailable",
            down.getMessage()
                + "; the engine rolled this request back. Repeat it once the server answers.");
      }
      if (engineDatabaseDidNotAnswer(cause)) {
        return answer(
            Response.Status.SERVICE_UNAVAILABLE,
            ENGINE_DATABASE_TYPE,
            engineDatabaseMessage(cause));
      }
      concurrent |= cause instanceof OptimisticLockingException;
      if (cause instanceof RunbookLock.LockHeldException held) {
        return answer(Response.Status.CONFLICT, "RunbookLocked", held.getMessage());
      }
      if (cause instanceof ProcessEngineException engine
          && engine.getMessage() != null
          && engine.getMessage().startsWith(SKIP_AT_DEFAULT_START)) {
        // the engine refuses these flags on a plain start before any command runs; a start at an
        // activity with them is refused by the gate rules
        return answer(
            Response.Status.FORBIDDEN,
            GATE_TYPE,
            "Only camunda-admin may start a run"
                + " without its listeners or input mappings, and then only at an activity");
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    if (concurrent) {
      // the engine rolled the whole request back: a retry sees the run as it is now
      return answer(
          Response.Status.CONFLICT,
          "ConcurrentChange",
          "The run changed while this request was handled (a step or another person acted at the"
              + " same moment); nothing of this request was done. Look at the run again and repeat"
              + " the request if it still applies.");
    }
    return null;
  }

  static final String ENGINE_DATABASE_TYPE = "EngineDatabaseUnavailable";

  static String engineDatabaseMessage(Throwable cause) {
    return "The engine's database did not answer ("
        + cause.getMessage()
        + "). If it failed while committing, part of this request may be done: look at the run"
        + " again before you repeat it.";
  }

  /**
   * A connection to the engine's database that could not be had or broke (SQLState class 08, the
   * pool's own timeout), or a statement cancelled by its timeout (57014): the database is away or
   * too slow, not the request wrong.
   */
  /** The first cause in the chain that is an engine database that did not answer; else null. */
  static Throwable engineDatabaseOutage(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (engineDatabaseDidNotAnswer(cause)) {
        return cause;
      }
      // a rollback that failed on the broken connection hides the failure that asked for it
      if (cause instanceof org.springframework.transaction.TransactionSystemException rollback
          && rollback.getApplicationException() != null
          && rollback.getApplicationException() != cause) {
        Throwable hidden = engineDatabaseOutage(rollback.getApplicationException());
        if (hidden != null) {
          return hidden;
        }
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  static boolean engineDatabaseDidNotAnswer(Throwable cause) {
    if (cause instanceof SQLTransientConnectionException || cause instanceof SQLTimeoutException) {
      return true;
    }
    if (cause instanceof SQLException sql && sql.getSQLState() != null) {
      return sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57014");
    }
    return false;
  }

  private static Response answer(Response.Status status, String type, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Map.of("type", type, "message", message))
        .build();
  }

  /** Mapper for any other exception thrown through a resource (a listener's own exception). */
  public static class ForOtherException implements ExceptionMapper<Exception> {
    private final org.camunda.bpm.engine.rest.exception.ExceptionHandler camunda =
        new org.camunda.bpm.engine.rest.exception.ExceptionHandler();

    @Override
    public Response toResponse(Exception exception) {
      Response known = refusalOrNull(exception);
      return known != null ? known : camunda.toResponse(exception);
    }
  }

  /** Mapper for {@link RestException}, which the task resources wrap engine errors in. */
  public static class ForRestException implements ExceptionMapper<RestException> {
    private final RestExceptionHandler camunda = new RestExceptionHandler();

    @Override
    public Response toResponse(RestException exception) {
      Response refusal = refusalOrNull(exception);
      return refusal != null ? refusal : camunda.toResponse(exception);
    }
  }

  /** Mapper for {@link ProcessEngineException} thrown straight through a resource. */
  public static class ForProcessEngineException implements ExceptionMapper<ProcessEngineException> {
    private final ProcessEngineExceptionHandler camunda = new ProcessEngineExceptionHandler();

    @Override
    public Response toResponse(ProcessEngineException exception) {
      Response refusal = refusalOrNull(exception);
      return refusal != null ? refusal : camunda.toResponse(exception);
    }
  }
}
