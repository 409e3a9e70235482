/**
 * The canned families in English: patterns and what a person would write instead.
 * Patterns are written with a plain space for "any whitespace" and ' for "any apostrophe".
 */
import type { FamilyTable } from './canned-families.ts';

const SORRY =
  "(?:(?:we|i)(?:'re|'m| are| am| do)? (?:(?:very|truly|so|deeply|sincerely|really) )?(?:apologi[sz]e|sorry)|(?:(?:we|i) )?(?:(?:deeply|sincerely|truly) )?(?:apologi[sz]e[sd]?|apologies|sorry)|(?:please accept )?(?:our|my) (?:(?:sincere|sincerest|deepest|humble) )?apologies)";
const TROUBLE = '(?:inconvenience|delay|wait|trouble|frustration|confusion|disappointment|issues?|problems?)';

export const ENGLISH: FamilyTable = {
  // The sentence goes on to say something concrete: "with the lid", unless that is only the stock "matter" or "delay" again.
  specificAfter:
    /^\s+(?:with|about|on|over) (?:the|your|my|our) (?!(?:matter|issue|request|inquiry|enquiry|query|case|ticket|situation|problem|delay|inconvenience|wait)\b)[A-Za-z]/i,
  families: {
    inconvenience: {
      pattern: `${SORRY} (?:for|about) (?:any|the|this|all the|any and all) (?:\\w+ )?${TROUBLE}(?: (?:this|that|it) (?:(?:may|might) have |has |have |may )?caused(?: you)?)?|(?:we |i )?regret (?:any|the) inconvenience|for any inconvenience|(?:the )?inconvenience (?:this|that|it) (?:may have |might have |has |may )?caused`,
      suggestion: 'Say what went wrong and that you are sorry: "Sorry the pan arrived cracked."',
      example: 'We apologize for any inconvenience.',
    },
    'contact-us': {
      pattern:
        "(?:please )?(?:feel free|do not hesitate|don't hesitate|never hesitate|do not be afraid) to (?:contact|reach|reply|call|e-?mail|get in touch|write|ask|let|drop|give)",
      suggestion: 'Say "just reply to this, I\'ll see it".',
      example: "Don't hesitate to contact us.",
    },
    'any-questions': {
      pattern:
        "should you (?:have|need|require) (?:any|further|additional)|(?:if|in case) you (?:have|need|require) (?:any )?(?:further|additional|other|more) (?:questions|assistance|help|information|concerns|queries)|(?:if|in case) you have any (?:questions|concerns|queries)|(?:please )?let (?:me|us) know if you (?:have|need) any(?:thing else| (?:further|other|more|additional))|(?:please )?let (?:me|us) know if (?:there is|there's) anything else|if (?:there is|there's) anything else|if you need anything else",
      suggestion: 'Say "if anything else comes up, just reply".',
      example: 'Should you have any questions…',
    },
    'anything-else': {
      pattern:
        '(?:is there )?anything else (?:that )?(?:i|we) (?:can|could|may) (?:help|assist|do)(?: you)?(?: with| for you)?|any other (?:questions|concerns)(?: i can help with)?',
      suggestion: 'Leave it out, or ask about something specific to them.',
      example: 'Is there anything else I can help you with?',
    },
    'understand-feelings': {
      pattern:
        '(?:we|i) (?:completely |totally |fully |do |can |really )?(?:understand|appreciate|hear|recognise|recognize|acknowledge) (?:your|the|how) (?:frustrat\\w+|concerns?|inconvenience|disappointment|upset|annoy\\w+)|(?:i|we) can (?:only )?imagine how (?:frustrating|upsetting|annoying|disappointing)|(?:i|we) (?:understand|know) how (?:frustrating|upsetting|annoying|disappointing)',
      suggestion: 'Name what went wrong for them instead of their feelings.',
      example: 'We understand your frustration.',
    },
    'thanks-for': {
      pattern:
        '(?:thank you|thanks|many thanks)(?: (?:so|very) much| a lot| a million)? (?:again )?for (?:choosing(?! (?:the|a|an|this|that|one) )|calling(?! (?:me|us) back)|contacting|reaching out|getting in touch|shopping|being a (?:valued|loyal)|bringing this|writing (?:in|to us)|your (?:continued )?(?:patience|understanding|cooperation|co-operation|business|loyalty|custom|inquiry|enquiry|interest|support|feedback|time and (?:patience|understanding)|e-?mail|message|request|query)(?=\\s*(?:[.,!;:)—–-]|$|(?:and|while|in|as|during|throughout|regarding|with|on|so|we|i|our)(?!\\w))))|thank you in advance|(?:we|i) (?:truly |really |greatly |do )?appreciate your (?:patience|understanding|business|cooperation|co-operation|loyalty|feedback)',
      suggestion: 'Thank them for something specific they did or said, or leave the thanks out.',
      example: 'Thank you for your patience.',
    },
    'stock-opener': {
      pattern:
        "(?:i )?hope (?:this|my|the) (?:e-?mail|message|note|letter) finds you|(?:i )?hope you(?:'re| are) (?:doing )?well|(?:i )?hope you(?:'re| are) having a (?:great|good|wonderful|nice|lovely) (?:day|week)|dear (?:valued )?(?:customer|client|user|member|guest|sir or madam|sir/madam)|to whom it may concern|greetings from|my name is \\w+ and i(?:'ll| will| am|'m)|(?:i am|i'm|we are|we're) writing to (?:inform|let you know|advise|confirm)|this is to inform you|(?:we )?regret to inform|please be (?:advised|informed)|(?:i'd|i would|we'd|we would|i'll|i will|i'm|i am|we're|we are) (?:be )?(?:more than |very |so )?(?:happy|glad|pleased|delighted) to (?:help|assist)(?: you)?(?: with (?:this|that|your (?:query|request|inquiry|enquiry|question))| today)?|thank(?:s| you) for reaching out",
      suggestion: 'Skip it and start with what they wrote about.',
      example: 'Dear valued customer,',
    },
    'stock-closing': {
      pattern:
        "have a (?:great|nice|wonderful|good|lovely|blessed|fantastic|pleasant) (?:day|week|weekend|evening)(?! (?:at|in|on|with|and))|(?:we|i) (?:look|are looking) forward to (?:hearing from you|serving you|your (?:reply|response)|assisting you|helping you)|(?:i |we )?hope (?:this|that|the above) (?:helps|clarifies|answers|resolves|information)|(?:we )?(?:truly )?(?:appreciate|value) your business|your (?:satisfaction|business|call|feedback|custom|experience) is (?:very |extremely )?(?:important|our (?:top |number one |highest )?priority)|(?:we )?value (?:your|our) (?:feedback|customers)|(?:it was |it's been |it has been )?a pleasure (?:assisting|helping|serving|speaking with) you|(?:we|i)(?:'re|'m| are| am) (?:always )?here (?:to help|for you)|rest assured|we take (?:this|these|your|all) (?:\\w+ )?(?:matters?|concerns?|complaints?|feedback|issues?) (?:very )?seriously|we (?:always )?(?:strive|aim|endeavou?r) to|we pride ourselves|at your earliest convenience|for your convenience|please find attached|(?:as )?per (?:my|our) (?:last|previous) (?:e-?mail|message|conversation|correspondence)|in order to (?:better )?(?:assist|serve|help) you|due to (?:a|an) (?:\\w+ )?(?:high|unusually high|higher than (?:normal|usual)) volume|we value you as a customer|thank you again",
      suggestion: 'End with the next step, or with something that fits them.',
      example: 'Have a great day!',
    },
    'ticket-receipt': {
      pattern:
        "(?:we|i)(?:'ve| have)? (?:received|got) your (?:e-?mail|message|request|inquiry|enquiry|ticket|query|complaint|support request)|this (?:e-?mail|message) (?:is to )?(?:confirms?|acknowledges?)|(?:acknowledge|confirm|confirming|acknowledging) (?:the )?receipt|your (?:request|ticket|inquiry|enquiry|case|query|message|complaint) (?:has been|was|is being) (?:received|logged|created|assigned|forwarded|escalated|passed|reviewed)|(?:a member of our (?:\\w+ )?team|one of our (?:\\w+ )?(?:agents|representatives|specialists|advisors|team members)|someone|an? (?:agent|representative|advisor)) will (?:be in touch|get back|contact|reach|respond|reply|review|look|follow up)|(?:we|i)(?:'ll| will| shall)? (?:get back to you|be in touch|respond|reply|revert(?: back)?|update you|follow up|contact you)(?: to you| with you)?(?: with (?:an? )?(?:update|answer|response))? (?:as soon as (?:possible|(?:we|i) can|(?:we|i) (?:are|am) able)|shortly|soon|asap|in due course|at the earliest)|(?:we are|we're|i am|i'm) (?:currently )?(?:looking into|investigating|reviewing) (?:this|the|your) (?:matter|issue|request|case|concern|query|inquiry|enquiry)|this is an automated|(?:please )?do not reply to this|your (?:ticket|reference|case) (?:number|id|reference) is|(?:please )?allow (?:up to )?\\w+ (?:business |working )?(?:days|hours) for",
      suggestion: 'Answer it now, or say when you will, with a day or an hour: "I\'ll write by Thursday noon."',
      example: "We've received your request and will get back to you shortly.",
    },
    policy: {
      pattern:
        "(?:that's|this is|it's|it is) (?:our|company|the) (?:\\w+ )?policy|(?:as per|per|according to|in (?:accordance|line) with) (?:our|company|the) (?:\\w+ )?(?:policy|policies|terms)|(?:we|i)(?: are| am|'re|'m) (?:not able|unable) to make (?:an )?exceptions?|(?:we|i) (?:can't|cannot|can not|don't|do not) make exceptions|(?:the )?decision is final|(?:please )?(?:refer|see) to (?:our|the) (?:faq|terms|website|help cent(?:er|re)|policy|knowledge base)|that's (?:just )?how it (?:is|works)",
      suggestion: 'Give the reason behind the rule, and what you can do for them within it.',
      example: "That's our policy.",
    },
    'closing-door': {
      pattern:
        "(?:there is |there's )?nothing (?:more |else |further )?(?:we|i) can do|(?:i|we) (?:can't|cannot|can not) help you|that's not (?:my|our) (?:department|problem|fault|responsibility)|(?:it's|it is) (?:out of|beyond) (?:my|our) (?:hands|control)|(?:we|i)(?: are| am|'re|'m) not (?:responsible|liable)|(?:the )?system (?:won't|doesn't|does not|will not) (?:let|allow) (?:me|us)|(?:you(?:'ll)? (?:need|have) to )?(?:contact|call) (?:another|the other|a different) department",
      suggestion: 'Say what you can do, or who can, and hand it over yourself.',
      example: "There's nothing more we can do.",
    },
    blame: {
      pattern:
        "you should have|why didn't you|why did you not|(?:as )?i (?:already|previously) (?:told|explained|said|mentioned)|as (?:previously )?(?:stated|mentioned|explained)(?: (?:before|earlier|previously))?|(?:as|like) i said|you (?:must|may) have (?:misunderstood|misread|missed)|you (?:didn't|did not|failed to) (?:read|follow|check)|(?:our )?records show (?:that )?you|you(?:'re| are) the (?:only|first) (?:one|customer|person)|you(?:'ll| will)? have to|you(?:'re| are) (?:wrong|mistaken)|user error",
      suggestion: 'Leave out whose fault it was; say what happens next.',
      example: 'As I already explained…',
    },
    'how-to-feel': {
      pattern:
        "calm down|(?:there is|there's) no need to (?:be |get )?(?:upset|angry|worry|panic|shout)|(?:please )?don't (?:be|get) (?:upset|angry)|(?:you )?(?:should|shouldn't) (?:be|feel) (?:upset|angry|worried)|no need to (?:be )?(?:rude|upset)|(?:please )?be patient|no problem!?",
      suggestion: 'Name what happened to them; let them feel what they feel.',
      example: 'Please calm down.',
    },
  },
};
