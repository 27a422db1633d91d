package org.switchman.audit.report;

/**
 * Where one host of a run that acts host by host stands, for the live view.
 *
 * @param batch the batch the host belongs to, from 1
 * @param dc the host's datacenter
 * @param host the host's FQDN
 * @param service the catalogue service restarted on it
 * @param stage one of {@link Stage}'s labels
 * @param detail what the stage means for this host: the pools it left, until when the run waits for
 *     it, why it failed or was left alone; blank when there is nothing to add
 */
public record HostProgress(
    int batch, String dc, String host, String service, String stage, String detail) {

  /** The stages a host goes through, in order, and the ways it can end. */
  public enum Stage {
    WAITING("waiting for its batch"),
    PRE_CHECKS("pre-checks"),
    DEPOOLED("depooled"),
    RESTARTED("restarted, checking"),
    FAILED("failed"),
    DONE("done"),
    LEFT_ALONE("left alone");

    private final String label;

    Stage(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public HostProgress(
      int batch, String dc, String host, String service, Stage stage, String detail) {
    this(batch, dc, host, service, stage.label(), detail);
  }
}
