// Small-MLP landscapes. Filled in by the MLP module.
export {};
