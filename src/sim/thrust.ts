/**
 * The boost programme: stages fired back to back, each with a linearly varying thrust acceleration, a
 * vertical rise, then a linear pitch-down of the thrust to a final angle along a fixed local azimuth.
 */

const DEG = Math.PI / 180;

/** One burn: thrust acceleration rising (or not) linearly from start to end over the burn time. */
export interface BoostStage {
  burnTimeS: number;
  accelStartMps2: number;
  accelEndMps2: number;
}

/** The boost: stages fired back to back, a vertical rise, then a linear pitch-down to `finalPitchDeg`. */
export interface ThrustProgramme {
  /** Thrust azimuth in the local horizontal plane, degrees clockwise from north. */
  headingDeg: number;
  verticalRiseS: number;
  /** Thrust elevation above the local horizontal at the end of the last stage (degrees). */
  finalPitchDeg: number;
  stages: readonly BoostStage[];
  /** Seconds after launch at which the pitch-down ends and `finalPitchDeg` is held (default: burnout). */
  pitchOverEndS?: number;
  /** Seconds after launch at which the motor fails; thrust stops there (debris then falls). */
  failAtS?: number;
}

/** Total planned burn time of a programme (s). */
export function plannedBurnS(p: ThrustProgramme): number {
  return p.stages.reduce((s, st) => s + st.burnTimeS, 0);
}

/** Seconds after launch at which thrust actually ends (planned burnout or failure, whichever first). */
export function thrustEndS(p: ThrustProgramme): number {
  const planned = plannedBurnS(p);
  return p.failAtS !== undefined ? Math.min(planned, p.failAtS) : planned;
}

/** Thrust acceleration magnitude (m/s²) at `tRel` seconds after launch. */
export function thrustAccel(p: ThrustProgramme, tRel: number): number {
  if (tRel >= thrustEndS(p) || tRel < 0) return 0;
  let start = 0;
  for (const st of p.stages) {
    if (tRel < start + st.burnTimeS) {
      return st.accelStartMps2 + ((st.accelEndMps2 - st.accelStartMps2) * (tRel - start)) / st.burnTimeS;
    }
    start += st.burnTimeS;
  }
  return 0;
}

/** Commanded thrust pitch (radians above the local horizontal) at `tRel`. */
export function pitchAt(p: ThrustProgramme, tRel: number): number {
  const end = p.pitchOverEndS ?? plannedBurnS(p);
  if (tRel <= p.verticalRiseS || end <= p.verticalRiseS) return 90 * DEG;
  const f = Math.min(1, (tRel - p.verticalRiseS) / (end - p.verticalRiseS));
  return (90 + (p.finalPitchDeg - 90) * f) * DEG;
}
