/**
 * The 41 clause categories of CUAD v1 (The Atticus Project, CC BY 4.0), named and described as in its
 * category_descriptions.csv. `kind` says whether the category answers yes/no (a clause is present or not; CUAD scores Warranty Duration so too)
 * or carries a value (a date, a name, a duration).
 */
export type CategoryKind = 'presence' | 'value';
export type Category = { name: string; description: string; kind: CategoryKind };

export const CATEGORIES: readonly Category[] = [
  { name: 'Document Name', description: 'The name of the contract', kind: 'value' },
  { name: 'Parties', description: 'The two or more parties who signed the contract', kind: 'value' },
  { name: 'Agreement Date', description: 'The date of the contract', kind: 'value' },
  { name: 'Effective Date', description: 'The date when the contract is effective', kind: 'value' },
  { name: 'Expiration Date', description: "On what date will the contract's initial term expire?", kind: 'value' },
  {
    name: 'Renewal Term',
    description:
      'What is the renewal term after the initial term expires? This includes automatic extensions and unilateral extensions with prior notice.',
    kind: 'value',
  },
  {
    name: 'Notice Period to Terminate Renewal',
    description: 'What is the notice period required to terminate renewal?',
    kind: 'value',
  },
  {
    name: 'Governing Law',
    description: "Which state/country's law governs the interpretation of the contract?",
    kind: 'value',
  },
  {
    name: 'Most Favored Nation',
    description:
      'Is there a clause that if a third party gets better terms on the licensing or sale of technology/goods/services described in the contract, the buyer of such technology/goods/services under the contract shall be entitled to those better terms?',
    kind: 'presence',
  },
  {
    name: 'Non-Compete',
    description:
      'Is there a restriction on the ability of a party to compete with the counterparty or operate in a certain geography or business or technology sector?',
    kind: 'presence',
  },
  {
    name: 'Exclusivity',
    description:
      'Is there an exclusive dealing commitment with the counterparty? This includes a commitment to procure all \u201crequirements\u201d from one party of certain technology, goods, or services or a prohibition on licensing or selling technology, goods or services to third parties, or a prohibition on collaborating or working with other parties), whether during the contract or after the contract ends (or both).',
    kind: 'presence',
  },
  {
    name: 'No-Solicit of Customers',
    description:
      'Is a party restricted from contracting or soliciting customers or partners of the counterparty, whether during the contract or after the contract ends (or both)?',
    kind: 'presence',
  },
  {
    name: 'Competitive Restriction Exception',
    description:
      'This category includes the exceptions or carveouts to Non-Compete, Exclusivity and No-Solicit of Customers above.',
    kind: 'presence',
  },
  {
    name: 'No-Solicit of Employees',
    description:
      'Is there a restriction on a party\u2019s soliciting or hiring employees and/or contractors from the counterparty, whether during the contract or after the contract ends (or both)?',
    kind: 'presence',
  },
  {
    name: 'Non-Disparagement',
    description: 'Is there a requirement on a party not to disparage the counterparty?',
    kind: 'presence',
  },
  {
    name: 'Termination for Convenience',
    description:
      'Can a party terminate this contract without cause (solely by giving a notice and allowing a waiting period to expire)?',
    kind: 'presence',
  },
  {
    name: 'Rofr/Rofo/Rofn',
    description:
      'Is there a clause granting one party a right of first refusal, right of first offer or right of first negotiation to purchase, license, market, or distribute equity interest, technology, assets, products or services?',
    kind: 'presence',
  },
  {
    name: 'Change of Control',
    description:
      'Does one party have the right to terminate or is consent or notice required of the counterparty if such party undergoes a change of control, such as a merger, stock sale, transfer of all or substantially all of its assets or business, or assignment by operation of law?',
    kind: 'presence',
  },
  {
    name: 'Anti-Assignment',
    description: 'Is consent or notice required of a party if the contract is assigned to a third party?',
    kind: 'presence',
  },
  {
    name: 'Revenue/Profit Sharing',
    description:
      'Is one party required to share revenue or profit with the counterparty for any technology, goods, or services?',
    kind: 'presence',
  },
  {
    name: 'Price Restrictions',
    description:
      'Is there a restriction on the ability of a party to raise or reduce prices of technology, goods, or services provided?',
    kind: 'presence',
  },
  {
    name: 'Minimum Commitment',
    description:
      'Is there a minimum order size or minimum amount or units per-time period that one party must buy from the counterparty under the contract?',
    kind: 'presence',
  },
  {
    name: 'Volume Restriction',
    description:
      'Is there a fee increase or consent requirement, etc. if one party\u2019s use of the product/services exceeds certain threshold?',
    kind: 'presence',
  },
  {
    name: 'IP Ownership Assignment',
    description:
      'Does intellectual property created by one party become the property of the counterparty, either per the terms of the contract or upon the occurrence of certain events?',
    kind: 'presence',
  },
  {
    name: 'Joint IP Ownership',
    description:
      'Is there any clause providing for joint or shared ownership of intellectual property between the parties to the contract?',
    kind: 'presence',
  },
  {
    name: 'License Grant',
    description: 'Does the contract contain a license granted by one party to its counterparty?',
    kind: 'presence',
  },
  {
    name: 'Non-Transferable License',
    description:
      'Does the contract limit the ability of a party to transfer the license being granted to a third party?',
    kind: 'presence',
  },
  {
    name: 'Affiliate License-Licensor',
    description:
      'Does the contract contain a license grant by affiliates of the licensor or that includes intellectual property of affiliates of the licensor?',
    kind: 'presence',
  },
  {
    name: 'Affiliate License-Licensee',
    description:
      'Does the contract contain a license grant to a licensee (incl. sublicensor) and the affiliates of such licensee/sublicensor?',
    kind: 'presence',
  },
  {
    name: 'Unlimited/All-You-Can-Eat-License',
    description:
      'Is there a clause granting one party an \u201centerprise,\u201d \u201call you can eat\u201d or unlimited usage license?',
    kind: 'presence',
  },
  {
    name: 'Irrevocable or Perpetual License',
    description: 'Does the contract contain a license grant that is irrevocable or perpetual?',
    kind: 'presence',
  },
  {
    name: 'Source Code Escrow',
    description:
      'Is one party required to deposit its source code into escrow with a third party, which can be released to the counterparty upon the occurrence of certain events (bankruptcy, insolvency, etc.)?',
    kind: 'presence',
  },
  {
    name: 'Post-Termination Services',
    description:
      'Is a party subject to obligations after the termination or expiration of a contract, including any post-termination transition, payment, transfer of IP, wind-down, last-buy, or similar commitments?',
    kind: 'presence',
  },
  {
    name: 'Audit Rights',
    description:
      'Does a party have the right to audit the books, records, or physical locations of the counterparty to ensure compliance with the contract?',
    kind: 'presence',
  },
  {
    name: 'Uncapped Liability',
    description:
      'Is a party\u2019s liability uncapped upon the breach of its obligation in the contract? This also includes uncap liability for a particular type of breach such as IP infringement or breach of confidentiality obligation.',
    kind: 'presence',
  },
  {
    name: 'Cap on Liability',
    description:
      'Does the contract include a cap on liability upon the breach of a party\u2019s obligation? This includes time limitation for the counterparty to bring claims or maximum amount for recovery.',
    kind: 'presence',
  },
  {
    name: 'Liquidated Damages',
    description:
      'Does the contract contain a clause that would award either party liquidated damages for breach or a fee upon the termination of a contract (termination fee)?',
    kind: 'presence',
  },
  {
    name: 'Warranty Duration',
    description:
      'What is the duration of any warranty against defects or errors in technology, products, or services provided under the contract?',
    kind: 'presence',
  },
  {
    name: 'Insurance',
    description:
      'Is there a requirement for insurance that must be maintained by one party for the benefit of the counterparty?',
    kind: 'presence',
  },
  {
    name: 'Covenant Not to Sue',
    description:
      'Is a party restricted from contesting the validity of the counterparty\u2019s ownership of intellectual property or otherwise bringing a claim against the counterparty for matters unrelated to the contract?',
    kind: 'presence',
  },
  {
    name: 'Third Party Beneficiary',
    description:
      'Is there a non-contracting party who is a beneficiary to some or all of the clauses in the contract and therefore can enforce its rights against a contracting party?',
    kind: 'presence',
  },
];

export const CATEGORY_NAMES: ReadonlySet<string> = new Set(CATEGORIES.map((c) => c.name));
