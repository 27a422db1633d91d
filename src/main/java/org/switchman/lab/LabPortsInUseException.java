package org.switchman.lab;

/** A port or address that the lab needs is taken, usually by another lab. */
public class LabPortsInUseException extends LabException {

  public LabPortsInUseException(String message) {
    super(message);
  }
}
