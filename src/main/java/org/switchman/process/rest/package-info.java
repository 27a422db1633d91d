/**
 * The engine REST API at {@code /engine-rest}: authentication against the engine's users, and
 * exception mappers that answer a refusal (four-eyes, a gate, bad input, a refused deployment, a
 * held lock) with 403, 400 or 409 and its plain message instead of 500. May depend on the {@code
 * process} packages whose exceptions it maps, and on {@code runbook}.
 */
package org.switchman.process.rest;
