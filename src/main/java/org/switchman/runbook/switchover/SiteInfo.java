package org.switchman.runbook.switchover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.switchman.runbook.EchoedInput;

/**
 * What MediaWiki itself reports in its siteinfo ({@code meta=siteinfo}, format version 2): whether
 * it is read-only and why, and its master datacenter ({@code wmf-config.wmfMasterDatacenter}). The
 * automation checks it after each change of ReadOnly and of {@code WMFMasterDatacenter}, since
 * MediaWiki reads its etcd configuration on its own schedule.
 *
 * @param readOnlyReason the reason editors see; empty when read-write
 */
public record SiteInfo(boolean readOnly, Optional<String> readOnlyReason, String masterDatacenter) {

  /** The command that asks an application server's MediaWiki for its siteinfo. */
  public static final String COMMAND =
      "curl -s 'http://localhost/w/api.php?action=query&meta=siteinfo&format=json&formatversion=2'";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What MediaWiki should report once it has read conftool's values. */
  public static SiteInfo of(Optional<String> readOnly, String masterDatacenter) {
    return new SiteInfo(readOnly.isPresent(), readOnly, masterDatacenter);
  }

  /**
   * Reads a siteinfo answer.
   *
   * @throws IllegalArgumentException when the answer is no siteinfo (an API error, not JSON): the
   *     message says what it is
   */
  public static SiteInfo parse(String answer) {
    JsonNode general;
    try {
      general = JSON.readTree(answer).path("query").path("general");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a siteinfo answer: " + shortened(answer), e);
    }
    if (!general.path("readonly").isBoolean()
        || !general.path("wmf-config").path("wmfMasterDatacenter").isTextual()) {
      throw new IllegalArgumentException("not a siteinfo answer: " + shortened(answer));
    }
    boolean readOnly = general.path("readonly").asBoolean();
    return new SiteInfo(
        readOnly,
        readOnly ? Optional.of(general.path("readonlyreason").asText("")) : Optional.empty(),
        general.path("wmf-config").path("wmfMasterDatacenter").asText());
  }

  /** In words, for a failed check: {@code read-only (REASON), master eqiad}. */
  public String describe() {
    return (readOnly ? "read-only (" + readOnlyReason.orElse("") + ")" : "read-write")
        + ", master "
        + masterDatacenter;
  }

  private static String shortened(String text) {
    return EchoedInput.shortened(text == null ? "" : text.strip().replaceAll("\\s+", " "), 200);
  }
}
