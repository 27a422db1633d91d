/**
 * For crash tests only: {@link org.switchman.crash.CrashPoint} halts the JVM at a chosen journal
 * entry or step end when {@code switchman.test.crash-point} is set, and refuses to start outside
 * the {@code lab} profile. Depends on {@code config} (the profile's name) and Spring only; only
 * {@code infra.Mutations} and {@code process.crash} may depend on it ({@code ArchitectureTest}).
 */
package org.switchman.crash;
