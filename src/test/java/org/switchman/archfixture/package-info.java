/**
 * Fixtures for {@code ArchitectureFixturesTest} and {@code CompiledDependenciesTest}: small classes
 * shaped like the product's layers, with one layer cycle ({@code alpha} and {@code beta}), one
 * cycle inside a layer ({@code gamma.one} and {@code gamma.two}), one cycle made only of inlined
 * constants ({@code inlined.left} and {@code inlined.right}) and one product class that uses the
 * lab ({@code product.UsesTheLab}). They exist only to show that the architecture rules report
 * them.
 */
package org.switchman.archfixture;
