package org.switchman.web;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.server.ResponseStatusException;
import org.switchman.runbook.InvalidRequestException;

/**
 * Bad input and unknown runs on the audit pages and API: 400 or 404 with a message that names the
 * problem, as a page for the pages and as JSON ({@code type}, {@code message}) for the API.
 */
@ControllerAdvice(assignableTypes = {AuditPages.class, AuditApi.class})
public class AuditErrors {

  @ExceptionHandler(InvalidRequestException.class)
  public Object invalid(
      InvalidRequestException e, jakarta.servlet.http.HttpServletRequest request, Model model) {
    return answer(request, HttpStatus.BAD_REQUEST, "InvalidRequest", e.getMessage(), model);
  }

  @ExceptionHandler(IllegalArgumentException.class)
  public Object illegal(
      IllegalArgumentException e, jakarta.servlet.http.HttpServletRequest request, Model model) {
    return answer(request, HttpStatus.BAD_REQUEST, "InvalidRequest", e.getMessage(), model);
  }

  @ExceptionHandler(ResponseStatusException.class)
  public Object status(
      ResponseStatusException e, jakarta.servlet.http.HttpServletRequest request, Model model) {
    return answer(
        request,
        HttpStatus.valueOf(e.getStatusCode().value()),
        e.getStatusCode().value() == 404 ? "NotFound" : "Error",
        e.getReason(),
        model);
  }

  private static Object answer(
      jakarta.servlet.http.HttpServletRequest request,
      HttpStatus status,
      String type,
      String message,
      Model model) {
    if (request.getRequestURI().startsWith("/switchman/api/")) {
      return ResponseEntity.status(status).body(Map.of("type", type, "message", message));
    }
    model.addAttribute("status", status.value());
    model.addAttribute("message", message);
    return new org.springframework.web.servlet.ModelAndView("error-page", model.asMap(), status);
  }
}
