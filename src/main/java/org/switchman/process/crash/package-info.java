/**
 * For crash tests only: {@link org.switchman.process.crash.CrashPointPlugin} tells the crash point
 * when a service task's delegate has returned, before the engine commits. Exists only while {@code
 * switchman.test.crash-point} is set. Depends on the engine, {@code process} ({@code EngineHooks})
 * and {@code crash}.
 */
package org.switchman.process.crash;
