/**
 * The local analyzer's clause rules: for each CUAD category, phrases of ordinary contract
 * drafting that signal it (taken from the category descriptions and common legal usage, not
 * from particular documents). A segment is matched lower-cased with whitespace collapsed.
 * `any`: one match classifies the segment; `not`: a match vetoes it.
 */
export type CategoryRule = { any: RegExp[]; not?: RegExp[] };

const LICENSE = String.raw`licen[cs]e`;

export const RULES: Readonly<Record<string, CategoryRule>> = {
  'Governing Law': {
    any: [
      /\b(governed by|construed (and enforced )?(in accordance with|under|pursuant to)|interpreted (in accordance with|under))\b.{0,80}\blaws?\b/,
      /\bgoverning law\b.{0,40}\b(laws?|state|province|country)\b/,
      /\blaws of the (state|commonwealth|province|republic|federal republic) of\b.{0,80}\b(govern|appl(y|ies|icable))/,
    ],
  },
  'Anti-Assignment': {
    any: [
      /\b(may not|shall not|will not|cannot|can not|no party may|neither party (may|shall))\b.{0,80}\b(assign|transfer|delegat)/,
      /\bassign(ed|ment|s)?\b.{0,120}\bwithout (the )?(express )?(prior )?(written )?(consent|approval)\b/,
      /\bany (purported |attempted )?(assignment|transfer)\b.{0,80}\b(void|null|invalid)\b/,
      /\bnot (be )?(assignable|transferable) (by|without)\b/,
    ],
    not: [/\bassign(s|ed)? (to the|all) (right|its entire right)/, /\bnon-?transferable,? (non-?exclusive )?licen/],
  },
  'Change of Control': {
    any: [
      /\bchange (of|in) (the )?(effective )?control\b/,
      /\b(merger|consolidation|reorgani[sz]ation)\b.{0,120}\b(assign|terminat|consent|notice)/,
      /\b(assign|terminat|consent)\w*\b.{0,160}\b(merger|consolidation|acquisition|sale of all or substantially all|operation of law)\b/,
      /\bcontrol of (either|the other|such) party\b.{0,60}\b(pass|change|transfer)/,
    ],
  },
  'Termination for Convenience': {
    any: [
      /\bterminate\b.{0,120}\b(for (any reason|no reason|convenience)|without cause|with or without cause|at (its|their) (sole )?(discretion|convenience))\b/,
      /\b(may|shall have the right to|can) terminate (this agreement|the agreement|this contract)?.{0,60}\b(at any time|upon|by giving|on|with)\b.{0,60}\b(\d+|thirty|sixty|ninety|days?|months?|prior) .{0,40}\bnotice\b/,
      /\bterminate this agreement at any time\b/,
      /\bability to terminate (this agreement )?by giving\b/,
    ],
    not: [/\b(breach|default|insolven|bankrupt|fail(s|ure)? to)\b/],
  },
  'Cap on Liability': {
    any: [
      /\b(aggregate|total|maximum|entire|cumulative) liability\b/,
      /\bliab\w*\b.{0,160}\b(shall not exceed|not to exceed|in excess of|limited to|exceed the (amount|total|fees))\b/,
      /\bin no event (shall|will)\b.{0,120}\bliable\b.{0,200}\b(indirect|consequential|incidental|special|punitive|exemplary|lost profits?)\b/,
      /\b(not|neither party shall) be liable\b.{0,120}\b(indirect|consequential|incidental|special|punitive|exemplary|lost (profits?|revenue|savings))\b/,
      /\bsole and exclusive (remedy|obligation)\b/,
      /\b(action|claim)s?\b.{0,80}\bmay be brought\b.{0,80}\b(more than|after)\b.{0,20}\b(year|month)/,
    ],
  },
  'Uncapped Liability': {
    any: [
      /\blimitations? (of|on) liability\b.{0,140}\b(shall not apply|not apply|inapplicable|does not apply)\b/,
      /\b(shall not|will not|does not) (apply|limit)\b.{0,120}\b(indemnif|gross negligence|wil(l)?ful misconduct|fraud|breach of (its )?confidential)/,
      /\bexcept (for|with respect to|in the case of)\b.{0,80}\b(indemnif|gross negligence|wil(l)?ful misconduct|fraud|breach of (section|confidential))\b.{0,200}\bliab/,
      /\bunlimited liability\b/,
    ],
  },
  'Liquidated Damages': {
    any: [/\bliquidated damages\b/, /\b(termination|break-?up|cancellation|early termination) fee\b/, /\bbuy[- ]out\b/],
  },
  Insurance: {
    any: [
      /\b(maintain|carry|obtain|procure|keep)\b.{0,120}\binsurance\b/,
      /\binsurance\b.{0,120}\b(coverage|policy|policies|limits?|insured|in force|insurer)\b/,
      /\b(additional insured|certificates? of insurance)\b/,
    ],
  },
  'Audit Rights': {
    any: [
      /\b(audit|inspect|examine|review)\b.{0,120}\b(books|records|accounts|facilities|premises|documents)\b/,
      /\b(books|records|accounts)\b.{0,120}\b(audit|inspect|examin)/,
      /\bright to (audit|inspect)\b/,
      /\baudits?\b.{0,60}\b(by|of) (an )?independent (certified )?(public )?accountant/,
    ],
  },
  'Warranty Duration': {
    any: [
      /\bwarrant\w*\b.{0,160}\b(for a period of|period of|for|within)\b.{0,40}\b(\(?\d+\)?|one|two|three|six|twelve|eighteen|twenty-four|thirty|sixty|ninety)\b.{0,20}\b(days?|months?|years?)\b/,
      /\bwarranty period\b/,
    ],
  },
  'Non-Compete': {
    any: [
      /\bnon-?compet/,
      /\b(not|nor)\b.{0,80}\b(compete|engage in (any )?(business|activit)\w*.{0,40}compet)/,
      /\b(competitive|competing) (with|products?|business|services?)\b.{0,160}\b(shall not|will not|may not|agrees not|prohibited)\b/,
      /\b(shall not|will not|may not|agrees not to)\b.{0,200}\b(competitive|competing|a competitor|in competition)\b/,
    ],
  },
  Exclusivity: {
    any: [
      /\bexclusive (distribut|right|supplier|seller|provider|reseller|agent|dealer|basis|licen|partner|territory|marketing|sales)/,
      /\b(sole and exclusive|exclusively)\b.{0,80}\b(distribut|supplier|source|provider|purchase|sell|market)/,
      /\b(all|one hundred percent|100%) of (its|their) (requirements|needs)\b/,
      /\b(shall not|will not|may not|agrees not to)\b.{0,120}\b(appoint|sell|purchase|license|engage|distribute)\b.{0,120}\b(any )?(other|third part(y|ies)|another)\b/,
    ],
    not: [/\bnon-?exclusive\b/],
  },
  'No-Solicit of Customers': {
    any: [
      /\b(solicit|induce|entice|divert|interfere)\w*\b.{0,120}\b(customers?|clients?|accounts?|suppliers?|vendors?)\b/,
      /\bnot (to )?circumvent\b/,
    ],
    not: [/\bemploy/],
  },
  'No-Solicit of Employees': {
    any: [
      /\b(not|nor|refrain from)\b.{0,80}\b(solicit|hire|recruit|induce|entice|employ)\w*\b.{0,120}\b(employees?|personnel|staff)\b/,
      /\b(leave|terminate) (his|her|their) employment\b/,
      /\bnon-?solicit/,
    ],
    not: [/\bequal (employment )?opportunit/, /\bimmigration\b/],
  },
  'Non-Disparagement': {
    any: [/\bdisparag/, /\b(negative|unfavou?rable) light\b/, /\bdisrepute\b/, /\bderogatory\b/],
  },
  'Competitive Restriction Exception': {
    any: [
      /\b(notwithstanding|provided,? however|shall not (be deemed to )?(prohibit|restrict|prevent|apply))\b.{0,200}\b(compet|exclusiv|solicit|non-?compete)/,
      /\b(compet|exclusiv|solicit)\w*\b.{0,160}\b(shall not (prohibit|restrict|prevent|apply)|does not apply|except|other than)\b.{0,80}\b(securities|publicly traded|stock|general (advertis|solicit))/,
      /\b(two|five|one|2|5|1) percent \(?\d?%?\)? or less\b/,
    ],
    not: [/\bexcept as (otherwise )?(provided|set forth)\b.{0,20}$/],
  },
  'Rofr/Rofo/Rofn': {
    any: [
      /\bright of first (refusal|offer|negotiation)\b/,
      /\bfirst right (of|to) (refusal|offer|negotiat|purchase|acquire)/,
      /\boption to (negotiate|acquire|purchase|obtain)\b/,
      /\bright to match\b/,
      /\bexclusive (right|period) to negotiate\b/,
    ],
  },
  'Revenue/Profit Sharing': {
    any: [
      /\broyalt(y|ies)\b.{0,120}\b(percent|%|of (net|gross)|sales|revenue)/,
      /\b(percent|%)\)? of (the )?(net|gross|total)? ?(sales|revenues?|receipts|profits?|proceeds|invoiced)/,
      /\b(revenue|profit)[- ]shar/,
      /\bshare (of|in) (the )?(net |gross )?(revenue|profit|proceeds)/,
      /\bcommissions?\b.{0,80}\b(percent|%|of (net|gross))/,
    ],
  },
  'Price Restrictions': {
    any: [
      /\b(price|prices|pricing|fees?)\b.{0,100}\b(shall not|will not|may not)\b.{0,40}\b(increase|exceed|be (increased|raised|changed|adjusted))/,
      /\b(not|no) (more often|more frequently) than\b/,
      /\bprice (increase|adjustment)s?\b.{0,80}\b(not (exceed|more than)|limited|cap)/,
      /\b(may|can) (not )?(adjust|increase|change) the (supply |purchase )?price\b.{0,80}\bnot more\b/,
    ],
  },
  'Minimum Commitment': {
    any: [
      /\bminimum (annual |quarterly |monthly )?(purchase|order|quantity|quantities|volume|commitment|royalt|sales|amount|fee|payment|requirement|number)/,
      /\b(at least|not less than|no less than)\b.{0,80}\b(units|orders?|purchase|dollars|\$|per (year|month|quarter|calendar))/,
      /\b(firm order|binding commitment|take[- ]or[- ]pay)\b/,
    ],
  },
  'Volume Restriction': {
    any: [
      /\b(exceed|in excess of|more than|up to|no more than)\b.{0,60}\b(units|users|volume|copies|installations|seats|transactions|threshold|licen[cs]es|posts?|hours)\b/,
      /\badditional (fees?|charges?)\b.{0,80}\b(exceed|excess|above)\b/,
    ],
  },
  'IP Ownership Assignment': {
    any: [
      /\b(hereby )?(assigns?|transfers?|conveys?)\b.{0,120}\b(all )?(right,? title,? and interest|ownership|intellectual property)/,
      /\b(shall|will) (be|become|remain) the (sole and )?(exclusive )?property of\b/,
      /\bworks? (made )?for hire\b/,
      /\b(shall|will) (solely |exclusively )?own (all|any|the)\b.{0,80}\b(intellectual property|inventions?|work product|deliverables|developments|improvements|data|results|copyright|patent)/,
      /\bagrees? to assign\b/,
    ],
  },
  'Joint IP Ownership': {
    any: [
      /\bjoint(ly)? own/,
      /\bjoint (invention|ownership|intellectual property|patent|work)/,
      /\bco-?own/,
      /\bowned jointly\b/,
      /\bundivided interest\b/,
    ],
  },
  'License Grant': {
    any: [
      new RegExp(String.raw`\b(hereby )?grants?\b.{0,200}\b${LICENSE}`),
      new RegExp(String.raw`\b${LICENSE}d? (to|under)\b.{0,60}\b(use|make|sell|reproduce|distribute|practice)`),
      new RegExp(
        String.raw`\b(non-?exclusive|exclusive|royalty-free|worldwide|perpetual|irrevocable|limited|fully[- ]paid)\b.{0,80}\b${LICENSE}\b`,
      ),
      /\bright to (use|sublicense|reproduce|display)\b/,
    ],
  },
  'Non-Transferable License': {
    any: [
      /\bnon-?transferable\b/,
      /\bnon-?sublicensable\b/,
      new RegExp(
        String.raw`\b${LICENSE}\b.{0,160}\b(may not|shall not|cannot)\b.{0,40}\b(be )?(sublicens|transfer|assign)`,
      ),
      /\bwithout the right to (sublicense|transfer|assign)/,
    ],
  },
  'Affiliate License-Licensor': {
    any: [
      new RegExp(String.raw`\b(licensor|its) affiliates?\b.{0,120}\b(grant|${LICENSE})`),
      new RegExp(
        String.raw`\b${LICENSE}\b.{0,200}\b(owned|controlled|licensable) by (licensor|\w+) (or|and) (any of )?its affiliates\b`,
      ),
      /\bon behalf of itself and its affiliates\b.{0,80}\bgrant/,
    ],
  },
  'Affiliate License-Licensee': {
    any: [
      new RegExp(String.raw`\b${LICENSE}\b.{0,160}\b(to|for) \w+ and (its|their) (affiliates|subsidiaries)\b`),
      new RegExp(String.raw`\bgrants?\b.{0,60}\b(and|or) (its|their) (affiliates|subsidiaries)\b.{0,100}\b${LICENSE}`),
      /\b(sublicens|transfer)\w*\b.{0,80}\b(to )?(its|their|an|any) (affiliates?|subsidiar)/,
      /\baffiliates?\b.{0,80}\b(permitted sublicensee|may (use|exercise))\b/,
    ],
  },
  'Unlimited/All-You-Can-Eat-License': {
    any: [
      /\bunlimited (number|use|usage|copies|runs|broadcast|access|right|license|users)\b/,
      /\ball[- ]you[- ]can[- ]eat\b/,
      /\benterprise[- ]wide\b/,
    ],
  },
  'Irrevocable or Perpetual License': {
    any: [
      new RegExp(String.raw`\b(irrevocable|perpetual)\b.{0,120}\b${LICENSE}`),
      new RegExp(String.raw`\b${LICENSE}\b.{0,120}\b(irrevocable|perpetual)\b`),
    ],
  },
  'Source Code Escrow': {
    any: [
      /\bescrow\b.{0,160}\bsource code\b/,
      /\bsource code\b.{0,160}\bescrow\b/,
      /\bescrow (agent|agreement|account|deposit)\b/,
    ],
  },
  'Post-Termination Services': {
    any: [
      /\b(upon|after|following|on) (the )?(any )?(termination|expiration|expiry)\b.{0,200}\b(shall|will|must|agrees?)\b.{0,80}\b(continue|return|deliver|transition|wind[- ]down|sell[- ]off|sell (its|any|remaining)|inventory|destroy|cooperate|assist|pay|provide)/,
      /\btransition (assistance|services|period)\b/,
      /\b(sell[- ]off|wind[- ]down|last[- ]time buy|last buy)\b/,
      /\bsurviv\w*\b.{0,80}\b(termination|expiration)\b/,
    ],
  },
  'Covenant Not to Sue': {
    any: [
      /\b(not|never)\b.{0,60}\b(contest|challenge|attack|oppose|dispute)\b.{0,120}\b(validity|ownership|rights?|marks?|patents?|title)/,
      /\bcovenants? not to sue\b/,
      /\b(shall not|will not|agrees not to)\b.{0,60}\b(bring|assert|institute|file|commence)\b.{0,40}\b(any )?(claim|action|suit|proceeding)/,
      /\backnowledges?\b.{0,80}\b(exclusive )?ownership\b/,
    ],
  },
  'Third Party Beneficiary': {
    any: [
      /\b(intended|express(ed)?) third[- ]party beneficiar/,
      /\bthird[- ]party beneficiar\w*\b.{0,100}\b(shall be|are|is|entitled)\b/,
      /\bentitled to the benefit of\b/,
    ],
    not: [
      /\b(no|not|nothing|none)\b.{0,120}\bthird[- ]party beneficiar/,
      /\bthird[- ]party beneficiar\w*\b.{0,40}\b(none|no)\b/,
    ],
  },
  'Most Favored Nation': {
    any: [
      /\bmost favou?red\b/,
      /\b(no less|not less|at least as) favou?rable\b.{0,120}\b(terms|prices?|pricing|rates?|conditions)\b/,
      /\b(better|lower|more favou?rable) (terms|prices?|pricing|rates?)\b.{0,160}\b(than|to any|other (customer|licensee|distributor))/,
    ],
  },
  'Renewal Term': {
    any: [
      /\b(automatically|auto-?matically|shall|will) (be )?(renew|extend)\w*\b/,
      /\brenewal (term|period)s?\b/,
      /\bsuccessive\b.{0,60}\b(terms?|periods?|years?|months?)\b/,
      /\b(extend|renew)\w*\b.{0,80}\b(additional|further) (term|period|\(?\d+\)? (years?|months?))/,
    ],
  },
  'Notice Period to Terminate Renewal': {
    any: [
      /\b(notice|notify)\b.{0,120}\b(not to renew|non-?renewal|intention not to|terminate)\b.{0,200}\b(prior to|before|in advance of)\b.{0,60}\b(expiration|end|renewal|expiry)\b/,
      /\b(\d+|thirty|sixty|ninety|one hundred twenty|six|three|twelve)\b.{0,20}\b(days?|months?)\b.{0,60}\b(prior to|before)\b.{0,60}\b(expiration|end of the (then[- ])?(current|initial|renewal)|renewal)\b.{0,200}\b(not (to )?renew|non-?renewal|terminate)/,
    ],
  },
  'Expiration Date': {
    any: [
      /\b(term of this agreement|initial term|this agreement)\b.{0,160}\b(shall|will) (continue|remain|expire|terminate|be)\b.{0,200}\b(until|for (a period of )?\(?\w+\)? (\(\d+\) )?(years?|months?)|expire)/,
      /\b(expire|expiration)\b.{0,80}\b(on|upon)\b.{0,80}\b(\d{4}|anniversary)/,
      /\b(shall|will) (commence|begin)\b.{0,120}\b(continue|until|end)\b/,
    ],
  },
};
