/**
 * Guided challenges (issue 10): a path through every idea of non-convex
 * optimization, each a terrain under a preset with a goal, hints and an
 * explanation whose every sentence is measured (test/shared/challenges/).
 *
 * ## API
 *   challengeCatalogue(): readonly Challenge[]     // in order; { id, title, ideas, preset, controls, initial, task,
 *                                                  //   hints, explanation, pictures, goal, … }
 *   challengeById(id): Challenge | undefined
 *   IDEAS: Record<IdeaId, label>                    // the ideas of the issue's table
 *   new ChallengeAttempt(challenge, setup, seed)    // one attempt: tick() / retune() / isOver() / finish()
 *       // finish() → { outcome: { pass, stars, value, valueText, summary }, evidence, results }
 *   runChallenge(challenge, setup, seed): ChallengeAttempt   // the whole round at once
 *   judge(goal, value): ChallengeOutcome
 *   judgeResult(challenge, resultRow, settings, landscape): ChallengeOutcome | null   // a class round's row
 *   challengeSettings(challenge, setup, seed): RaceSettings   checkSetup(challenge, setup)   attemptStart(…)
 *   challengeRoomSettings(challenge): settings JSON a host applies to run it as a round (with `challenge: id`)
 *   classRoundRefusal(challenge): string | null     // why it is judged in solo only (a 'run' goal, a network choice, damping)
 *   classRoundChallenges()                          // those a host can run as a round
 *   mergeRoomSettings(current, patch)               // the server's merge: a challenge applies its round; changing a field of it clears it
 *   checkRoomChallenge(input, path)                 // parseRoomSettings' check of `challenge` (fills its round in)
 *   judgeClassRound(challenge, results, settings, landscape, starts): Map<id, ChallengeOutcome>   passedText(verdicts)
 *   judgeRaceResults(id | null, race, results)      // the same, where a room's race computed its results
 *   challengePicture(kind, attempt): PictureData    // what the client draws after success
 *   sliceMapSpec(spec), raceSpaceNote(landscape)   // the slice a network attempt is drawn on, and what its racer there is
 *   curveTrainingOf(evidence): { steps, lr, seed }  // the Bézier training a goal judges (a worker trains it; finish({ bezier }))
 */
export { IDEAS, IDEA_IDS, type IdeaId } from './ideas';
export {
  judge,
  type Challenge,
  type ChallengeControls,
  type ChallengeEvidence,
  type ChallengeGoal,
  type ChallengeHint,
  type ChallengeOutcome,
  type ChallengePreset,
  type ChallengeSetup,
  type NetworkChoice,
  type PictureKind,
} from './Challenge';
export { challengeCatalogue, challengeById } from './catalogue';
export { ChallengeAttempt, runChallenge, judgeResult, YOU, TWIN } from './ChallengeAttempt';
export {
  challengeSettings,
  challengeLandscape,
  checkSetup,
  attemptStart,
  lockedKnobsOf,
  checkAttemptSeed,
  ATTEMPT_SEED_RANGE,
} from './challengeSettings';
export {
  CHALLENGE_ROUND_FIELDS,
  challengeRoomSettings,
  checkRoomChallenge,
  classRoundChallenges,
  classRoundRefusal,
  judgeClassRound,
  judgeRaceResults,
  mergeRoomSettings,
  passedText,
} from './classRound';
export {
  challengePicture,
  startSpectrumPicture,
  eigenvalueRow,
  lineSearchTrace,
  type EigenvalueRow,
  type PictureData,
  type TerrainPicture,
  type CurvesPicture,
  type BarsPicture,
} from './pictures';
export {
  weightNorm,
  endBasin,
  gradientBalance,
  referenceRun,
  fullBatchSharpness,
  fullBatchOptimizer,
  rememberFullBatchSharpnessInto,
  type ReferenceContext,
  curveTrainingOf,
  bezierBetween,
  lineBetween,
} from './goals';
export { raceSpaceNote, sliceMapSpec, SLICE_RACE_NOTE } from './raceSpace';
