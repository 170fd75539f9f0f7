/**
 * A grouped bar chart in plain SVG (no chart library: a few hundred bytes instead of tens of KB),
 * with the same numbers as a table for screen readers and keyboard users.
 */
export type BarSeries = { name: string; color: string; values: number[] };

export function BarChart({
  title,
  labels,
  series,
  format = (v) => v.toLocaleString('en-US'),
}: {
  title: string;
  labels: string[];
  series: BarSeries[];
  format?: (value: number) => string;
}) {
  const width = 640;
  const height = 220;
  const pad = { top: 16, right: 8, bottom: 36, left: 8 };
  const max = Math.max(1e-12, ...series.flatMap((s) => s.values));
  const group = (width - pad.left - pad.right) / Math.max(1, labels.length);
  const bar = Math.max(2, Math.min(28, (group - 8) / Math.max(1, series.length)));
  const scale = (v: number) => ((height - pad.top - pad.bottom) * v) / max;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${title} (the table below has the numbers)`}
      >
        <line
          x1={pad.left}
          x2={width - pad.right}
          y1={height - pad.bottom}
          y2={height - pad.bottom}
          stroke="#888"
        />
        {labels.map((label, i) => {
          const x0 = pad.left + i * group + (group - bar * series.length) / 2;
          return (
            <g key={label}>
              {series.map((s, j) => {
                const h = scale(s.values[i] ?? 0);
                return (
                  <rect
                    key={s.name}
                    x={x0 + j * bar}
                    y={height - pad.bottom - h}
                    width={bar - 2}
                    height={h}
                    fill={s.color}
                  >
                    <title>{`${s.name}, ${label}: ${format(s.values[i] ?? 0)}`}</title>
                  </rect>
                );
              })}
              <text
                x={pad.left + i * group + group / 2}
                y={height - pad.bottom + 16}
                textAnchor="middle"
                fontSize="12"
              >
                {label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="legend">
          {series.map((s) => (
            <span key={s.name}>
              <span className="swatch" style={{ background: s.color }} aria-hidden="true" /> {s.name}
            </span>
          ))}
        </span>
        <details>
          <summary>{title}: the numbers</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Label</th>
                {series.map((s) => (
                  <th key={s.name} scope="col">
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {series.map((s) => (
                    <td key={s.name}>{format(s.values[i] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
