export function BuildModelPage() {
  return <h1>BuildModelPage</h1>;
}
