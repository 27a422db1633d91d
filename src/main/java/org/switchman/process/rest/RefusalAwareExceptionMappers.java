package org.switchman.process.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.rest.exception.ProcessEngineExceptionHandler;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.camunda.bpm.engine.rest.exception.RestExceptionHandler;
import org.switchman.process.foureyes.FourEyesViolationException;

/**
 * Replacements for Camunda's REST exception mappers that answer a four-eyes refusal with 403 and
 * its plain message, instead of a 500 wrapped in engine listener text. Everything else is handled
 * exactly as Camunda does.
 */
final class RefusalAwareExceptionMappers {

  static final String REFUSAL_TYPE = "FourEyesViolation";

  private RefusalAwareExceptionMappers() {}

  static Response refusalOrNull(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof FourEyesViolationException refusal) {
        return Response.status(Response.Status.FORBIDDEN)
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(Map.of("type", REFUSAL_TYPE, "message", refusal.getMessage()))
            .build();
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
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
