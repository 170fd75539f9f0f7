export function PayersPage() {
  return <h1>PayersPage</h1>;
}
