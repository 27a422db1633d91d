/** Product-shaped fixture classes; this comment says what the package holds, and nothing more. */
package org.switchman.archfixture.product;
