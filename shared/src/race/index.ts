// Races: N racers on one landscape. Filled in by the race module.
export {};
