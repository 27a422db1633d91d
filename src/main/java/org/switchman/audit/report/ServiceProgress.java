package org.switchman.audit.report;

/**
 * Where one service of a run that acts service by service stands, for the live view.
 *
 * @param service the service's name, e.g. {@code aqs}
 * @param change what the run does to it, in words, e.g. {@code aqs (active/active): pooled in
 *     codfw, eqiad → eqiad}
 * @param stage where it stands: {@code waiting}, {@code changing}, {@code done}, {@code skipped},
 *     {@code put back} or {@code left alone}
 * @param detail what its DNS record answered, or why it was left alone; blank when there is nothing
 *     to add
 */
public record ServiceProgress(String service, String change, String stage, String detail) {}
