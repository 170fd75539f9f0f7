export function ProposalPage() {
  return <h1>ProposalPage</h1>;
}
