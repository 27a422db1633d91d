/**
 * The rules of approval and operator decision tasks (allowed decisions, required justification, an
 * approval's due and reminder dates), attached by the engine to every user task by its form, and
 * the journaling of each decision. May depend on {@code process} and {@code audit}.
 */
package org.switchman.process.decisions;
