// Client → server message schemas. Filled in by the messages module.
export {};
