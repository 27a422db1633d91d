/**
 * Settings: one {@code @ConfigurationProperties} record per concern ({@code switchman.ssh.*},
 * {@code switchman.etcd.*}, {@code switchman.db.*}, …), the secrets read from files at startup
 * (administrator credentials, journal key), the data directory and the name of the {@code lab}
 * profile. Every other layer may read its settings here, so this package depends on Spring and
 * {@code audit} (the journal key's rules) only: never on {@code process}, {@code infra}, {@code
 * web} or {@code lab}.
 */
package org.switchman.config;
