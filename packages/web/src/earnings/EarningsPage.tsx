export function EarningsPage() {
  return <h1>EarningsPage</h1>;
}
