/**
 * Energy as shown, to the milliwatt-hour: registers in kWh with multipliers sum to binary noise
 * (225.3000000002794), which no meter measured. Rounding is monotonic, so a counter stays one.
 */
export function wattHours(wh: number): number {
  return Math.round(wh * 1000) / 1000;
}
