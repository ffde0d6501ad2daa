/**
 * The ASCII sparkline LATENCY GRAPH draws, as Redis's sparkline.c renders it: `rows` rows
 * of `_o#` steps (filled below with `|`), then a blank row and each sample's label written
 * downwards, one character a row, `columns` samples per block.
 */

const FILL = "_o#";

export interface SparkSample {
  value: number;
  label: string;
}

/** Renders `samples` (oldest first) as Redis's sparklineRender with SPARKLINE_FILL. */
export function renderSparkline(
  samples: readonly SparkSample[],
  columns: number,
  rows: number,
): string {
  if (samples.length === 0) return "";
  let min = samples[0].value;
  let max = samples[0].value;
  for (const s of samples) {
    if (s.value < min) min = s.value;
    if (s.value > max) max = s.value;
  }
  let out = "";
  for (let j = 0; j < samples.length; j += columns) {
    if (j !== 0) out += "\n";
    out += renderRange(samples.slice(j, j + columns), min, max, rows);
  }
  return out;
}

function renderRange(
  samples: readonly SparkSample[],
  min: number,
  max: number,
  rows: number,
): string {
  const relmax = max - min === 0 ? 1 : max - min;
  const steps = FILL.length * rows;
  const stepOf = samples.map((s) => {
    const step = Math.trunc(Math.trunc((s.value - min) * steps) / relmax);
    return Math.min(Math.max(step, 0), steps - 1);
  });
  let out = "";
  for (let row = 0;; row++) {
    let any = false;
    let line = "";
    for (let j = 0; j < samples.length; j++) {
      let ch = " ";
      if (row < rows) {
        any = true;
        const idx = stepOf[j] - (rows - row - 1) * FILL.length;
        if (idx >= 0 && idx < FILL.length) ch = FILL[idx];
        else if (idx >= FILL.length) ch = "|";
      } else if (row - rows <= samples[j].label.length) {
        // the first row under the graph is a blank spacer, then the label downwards
        any = true;
        if (row > rows) ch = samples[j].label[row - rows - 1];
      }
      line += ch;
    }
    if (!any) break;
    out += line + "\n";
  }
  return out;
}
