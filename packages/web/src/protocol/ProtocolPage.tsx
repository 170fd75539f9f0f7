export function ProtocolPage() {
  return <h1>ProtocolPage</h1>;
}
