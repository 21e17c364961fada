// Expression landscapes (instructor-written formulas). Filled in by the expression module.
export {};
