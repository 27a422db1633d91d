/**
 * Fixtures for {@code ArchitectureFixturesTest}: small classes shaped like the product's layers,
 * with one layer cycle ({@code alpha} and {@code beta}), one cycle inside a layer ({@code
 * gamma.one} and {@code gamma.two}) and one product class that uses the lab ({@code
 * product.UsesTheLab}). They exist only to show that the architecture rules report them.
 */
package org.switchman.archfixture;
