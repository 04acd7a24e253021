/**
 * The guard's signals, per class, in English, German and French. Each is matched against the
 * folded text (lower case, spaces collapsed). Weight 1 refuses on its own; lesser weights add up.
 * The patterns name what an injection addresses — the model, its instructions, its prompt, its
 * role — so that legal language ("supersede", "notwithstanding", "disregard the Prior Agreement",
 * "system of record") does not trip them.
 */
export type GuardClass =
  | 'instruction_override'
  | 'role_hijack'
  | 'system_impersonation'
  | 'delimiter_injection'
  | 'prompt_extraction'
  | 'exfiltration';

/**
 * `needs`: strings of which the text must contain one for the pattern to match at all. Given
 * only to patterns that do not start with a word, so the scan plan can skip them cheaply.
 */
export type Signal = { re: RegExp; weight: number; needs?: string[] };

/** The classes in the order they are reported. */
export const GUARD_CLASSES: readonly GuardClass[] = [
  'instruction_override',
  'role_hijack',
  'system_impersonation',
  'delimiter_injection',
  'prompt_extraction',
  'exfiltration',
];

const PRIOR = String.raw`(?:all |any |the |your |my |these |those |of )*(?:previous|prior|above|preceding|earlier|foregoing|former|initial|original|old|given|system|existing)?`;
const ORDERS = String.raw`(?:instructions?|prompts?|rules|directions|directives|guidelines|tasks?|assignments?|orders|commands|context|information|constraints|restrictions|programming|conversation|messages?)`;
const DE_ORDERS = String.raw`(?:anweisungen|anweisung|aufgaben|aufgabe|befehle|instruktionen|informationen|vorgaben|regeln|anordnungen|auftr(?:ä|ae)ge|prompts?)`;
const FR_ORDERS = String.raw`(?:instructions?|consignes?|t(?:â|a)ches?|r(?:è|e)gles|ordres|directives|informations|commandes)`;

export const SIGNALS: Readonly<Record<GuardClass, Signal[]>> = {
  instruction_override: [
    {
      re: new RegExp(
        String.raw`\b(?:ignore|disregard|forget|skip|override|overrule|bypass|neglect|abandon|drop|leave)\b (?:about )?${PRIOR} ?${ORDERS}\b(?! (?:issued|given|delivered|sent|of the (?:buyer|seller|client|customer|company|licensor|licensee|lender|borrower|party|parties|court))| under | pursuant | in (?:the|section|clause|article))`,
      ),
      weight: 1,
    },
    {
      // The start condition is a lookbehind, so the match begins at the verb and the scan plan can anchor it there.
      re: /\b(?<=(?:^|[.!?,:;"“] ?|\b(?:now|so|please|just|and|then) ))(?:forget|ignore|disregard) (?:about )?(?:everything|all that|all of that|anything)\b/,
      weight: 1,
    },
    { re: /\b(?:ignore|disregard) (?:the )?(?:above|preceding|foregoing)(?: and| text|\.|,|!|$)/, weight: 1 },
    {
      re: /\b(?:now|here) (?:come|comes|follow|follows)? ?(?:a |some |the )?(?:new|further|next|more|additional|other) (?:tasks?|instructions?|assignments?|challenges?)\b/,
      weight: 1,
    },
    { re: /\b(?:new|next|further|another) (?:tasks?|instructions?|assignments?)(?: follow| are| is)?:/, weight: 1 },
    { re: /\b(?:focus|concentrate) on (?:your|the|a|this) (?:new|next) (?:task|assignment|instruction)/, weight: 1 },
    { re: /\b(?:start|begin) (?:over|from scratch|from the front|anew)\b/, weight: 0.6 },
    { re: /\bstop(?:,| -| –|!)? (?:ignore|forget|now)\b/, weight: 1 },
    { re: /\b(?:instead|rather),? (?:just )?(?:say|print|write|output|respond with|reply with) ["“']/, weight: 1 },
    { re: /\b(?:that is|that's) (?:enough|done|it)[.!] (?:now|but now|next)\b/, weight: 0.6 },
    { re: /\bno longer (?:bound|restricted|limited) by\b/, weight: 1 },
    // German.
    {
      re: new RegExp(
        String.raw`\b(?:vergiss|vergesst|vergessen sie|ignoriere|ignoriert|ignorieren sie|missachte|überspringe|verwirf)\b.{0,40}\b(?:alle|alles|vorherigen?|bisherigen?|obigen?|vorigen?|vorangegangenen?|${DE_ORDERS})\b`,
      ),
      weight: 1,
    },
    {
      re: /\b(?:neue|weitere|nächste|folgende) (?:aufgaben?|anweisungen?|herausforderung)(?: folgen| folgt|:)/,
      weight: 1,
    },
    {
      re: /\b(?:konzentriere dich|konzentrieren sie sich|fokussiere dich) (?:jetzt |nun )?auf (?:deine|ihre|die) neue\b/,
      weight: 1,
    },
    { re: /\b(?:stopp|halt)\b.{0,30}\b(?:ignoriere|vergiss|jetzt|nun)\b/, weight: 0.6 },
    { re: /\b(?:lass|lasse|lassen sie) (?:alle )?(?:vorherigen|bisherigen) (?:informationen|aufgaben)\b/, weight: 1 },
    // French.
    {
      re: new RegExp(
        String.raw`\b(?:ignore[rz]?|oublie[rz]?|néglige[rz]?|fais abstraction de|ne tiens pas compte)\b.{0,30}\b(?:tout|toutes|tous|précédent|précédentes|précédents|antérieures?|ci-dessus|${FR_ORDERS})\b`,
      ),
      weight: 1,
    },
    { re: /\b(?:nouvelles?|autres?) (?:tâches?|instructions?|consignes?)(?: suivent| :|:)/, weight: 1 },
  ],
  role_hijack: [
    { re: /\b(?:you are|you're) (?:now|from now on) (?:a|an|the|my|in|called|named|[a-z]+[,;:.!])/, weight: 1 },
    { re: /\b(?:you are|you're) no longer (?:an? )?(?:ai|assistant|bound|restricted|chatgpt|claude)\b/, weight: 1 },
    { re: /\bfrom now on,? (?:you|act|respond|answer|behave)\b/, weight: 1 },
    {
      re: /\b(?:i want you to|you will|you must|you shall) (?:act|behave|pose|serve|function|respond) as\b/,
      weight: 1,
    },
    { re: /\bpretend (?:to be|you are|you're|that you are)\b/, weight: 0.6 },
    { re: /\b(?:act|behave|respond) (?:as if|like) you (?:are|were|had)\b/, weight: 1 },
    { re: /\b(?:dan mode|developer mode enabled|do anything now|god mode)\b/, weight: 1 },
    { re: /\b(?:jailbreak|jailbroken|unfiltered mode)\b/, weight: 0.6 },
    {
      re: /\b(?:stay|remain|always stay) (?:fully |completely )?in (?:your |their |the )?(?:role|character)s?\b/,
      weight: 0.6,
    },
    { re: /\b(?:evil|unrestricted|uncensored|unfiltered|rogue) (?:ai|assistant|model|chatbot|bot)\b/, weight: 0.6 },
    { re: /\bnow you are [a-z]/, weight: 1 },
    { re: /^(?:hello|hi|hey),? (?:gpt|chatgpt|claude|bot|ai)\b/, weight: 0.6 },
    { re: /\byou are [a-z ]{1,30}(?:\.|,) (?:how|what|why) (?:do|would|will) you\b/, weight: 0.6 },
    { re: /\bin the style of (?:a|an)\b/, weight: 0.4 },
    // German.
    { re: /\b(?:du bist|sie sind) (?:jetzt|nun|ab sofort|von nun an)\b/, weight: 1 },
    { re: /\bjetzt bist du\b/, weight: 1 },
    { re: /\b(?:tu so|tue so|tun sie so),? als\b/, weight: 1 },
    { re: /\b(?:ich möchte|ich will),? dass (?:du|sie) (?:als|dich wie|wie)\b/, weight: 1 },
    { re: /\b(?:agiere|agieren sie|fungiere|handle|verhalte dich) (?:als|wie)\b/, weight: 1 },
    { re: /\bstell dir vor,? du bist\b/, weight: 1 },
    { re: /\b(?:bleib|bleiben|bleibt) (?:immer |stets )?in (?:ihrer|deiner|seiner|der) rolle\b/, weight: 1 },
    // French.
    { re: /\b(?:tu es|vous êtes) (?:maintenant|désormais|dorénavant)\b/, weight: 1 },
    { re: /\b(?:fais|faites) semblant\b/, weight: 1 },
    { re: /\b(?:agis|agissez|comporte-toi|comportez-vous) comme\b/, weight: 1 },
    { re: /\b(?:je veux|je voudrais) que (?:tu|vous) (?:agisses|agissiez|joues|jouiez|fasses)\b/, weight: 1 },
    { re: /\bà partir de maintenant,? (?:tu|vous)\b/, weight: 1 },
  ],
  system_impersonation: [
    {
      re: /(?:^|[\n.!?] ?)(?:system|developer|admin|administrator|root|assistant)\s?(?:message|prompt|note|override)?\s?:/,
      weight: 1,
    },
    {
      re: /\[(?:system|admin|developer|sys)\]|\((?:system|admin) (?:message|note)\)/,
      weight: 1,
      needs: ['[s', '[a', '[d', '(s', '(a'],
    },
    {
      // Anchored on the sender, not on "notice", a word every contract uses.
      re: /\b(?<=\b(?:message|instruction|update|notice) from (?:the )?)(?:system|developer|administrator|openai|anthropic|your creators?)\b/,
      weight: 1,
    },
    { re: /\b(?:admin|administrator|developer|sudo|maintenance) (?:override|mode|access|command)\b/, weight: 1 },
    { re: /\bthis is (?:the|your) (?:system|developer|administrator|creator)\b/, weight: 1 },
    { re: /\b(?:systemnachricht|systemanweisung|message système|message du système)\b/, weight: 1 },
  ],
  delimiter_injection: [
    {
      re: /<\/?(?:system|instructions?|prompt|document|context|user|assistant|im_start|im_end)>/,
      weight: 1,
      needs: ['<'],
    },
    { re: /<\|(?:im_start|im_end|system|endoftext|user|assistant)\|>/, weight: 1, needs: ['<|'] },
    { re: /\[\/?inst\]|<<\/?sys>>/, weight: 1, needs: ['[inst]', '[/inst]', '<<'] },
    {
      re: /\b(?:end|beginning|start) of (?:the )?(?:document|context|prompt|input|system prompt|instructions)\b\s*[-=#*\]]/,
      weight: 1,
    },
    {
      re: /(?:^|\s)(?:#{2,}|-{3,}|={3,})\s*(?:new |end |system )?(?:instructions?|system|prompt|task)\b/,
      weight: 1,
      needs: ['##', '---', '==='],
    },
    { re: /```\s*(?:system|instructions?)\b/, weight: 1, needs: ['```'] },
    // Literal "\n" sequences; real line breaks are already folded to spaces before scoring.
    { re: /(?:\\n){4,}/, weight: 0.6, needs: ['\\n\\n\\n\\n'] },
  ],
  prompt_extraction: [
    {
      re: /\b(?:show|print|reveal|repeat|output|display|give|tell|list|write out|spell out|share|leak|dump)\b (?:me |us )?(?:all |the )?(?:of )?(?:your|the) (?:full |complete |entire |exact |original |initial |hidden |secret |system |first )*(?:system )?(?:prompts?|prompt texts?|instructions|guidelines|configuration|rules|context window)\b/,
      weight: 1,
    },
    {
      re: /\bwhat (?:is|was|were|are) (?:written|said|stated) (?:at the (?:beginning|start|top)|above|before)\b/,
      weight: 1,
    },
    {
      // Anchored on the adjective, not on "the".
      re: /\b(?<=\b(?:your|the) )(?:system|initial|original|hidden|secret) (?:prompt|instructions|message)\b/,
      weight: 1,
    },
    { re: /\bcopy of (?:the|your) (?:full |whole |entire )?(?:prompt|instructions)\b/, weight: 1 },
    { re: /\bwhat (?:were|are) you (?:told|instructed|programmed)\b/, weight: 1 },
    {
      re: /\b(?:zeige?|zeigen sie|nenne|gib|verrate|wiederhole)\b (?:mir |uns )?(?:alle |den |die |deine |ihre )*(?:prompt-?texte?|prompts?|anweisungen|systemanweisungen|instruktionen)\b/,
      weight: 1,
    },
    { re: /\bwas (?:steht|stand) (?:am anfang|oben|zu beginn)\b/, weight: 1 },
    {
      re: /\b(?:montre|montrez|affiche|affichez|révèle|révélez|répète|répétez|donne|donnez)[- ]?(?:moi|nous)? (?:tes|vos|ton|votre|le|les) (?:prompts?|instructions|consignes)(?: initiales?| système| du système)?\b/,
      weight: 1,
    },
  ],
  exfiltration: [
    { re: /!\[[^\]]*\]\(\s*https?:/, weight: 1, needs: ['!['] },
    {
      re: /\b(?:send|post|upload|forward|transmit|exfiltrate|leak|email|e-mail|submit)\b.{0,60}\b(?:to|at|into)\b.{0,20}(?:https?:\/\/|www\.|[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}|webhook|server|endpoint)/,
      weight: 1,
    },
    {
      re: /\b(?:append|include|encode|embed|put)\b.{0,60}\b(?:in|into|to) (?:a|the|this) (?:url|link|query string|image (?:url|link))\b/,
      weight: 1,
    },
    { re: /\b(?:fetch|visit|open|call|load|curl|wget)\b (?:the )?(?:url )?https?:\/\/\S+\?\S*=/, weight: 1 },
    { re: /\b(?:sende|schicke|übermittle|lade)\b.{0,60}\b(?:an|zu|hoch)\b.{0,20}(?:https?:\/\/|www\.|@)/, weight: 1 },
    {
      re: /\b(?:envoie|envoyez|transmets|transmettez|téléverse)\b.{0,60}\b(?:à|vers|sur)\b.{0,20}(?:https?:\/\/|www\.|@)/,
      weight: 1,
    },
  ],
};
