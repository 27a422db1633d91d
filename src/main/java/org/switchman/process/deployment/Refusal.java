package org.switchman.process.deployment;

/**
 * One reason a deployment is refused.
 *
 * @param resource the resource (file) it was found in
 * @param elementId the diagram element it was found at (the nearest element with an id), or the
 *     resource itself for a rule about the whole resource
 * @param rule the rule broken, a short name such as {@code script} or {@code start-event}
 * @param reason what was found, in a sentence
 */
public record Refusal(String resource, String elementId, String rule, String reason) {

  @Override
  public String toString() {
    return resource + ": " + elementId + ": [" + rule + "] " + reason;
  }
}
