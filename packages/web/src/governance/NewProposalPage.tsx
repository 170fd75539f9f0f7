export function NewProposalPage() {
  return <h1>NewProposalPage</h1>;
}
