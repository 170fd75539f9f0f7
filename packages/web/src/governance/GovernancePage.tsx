export function GovernancePage() {
  return <h1>GovernancePage</h1>;
}
