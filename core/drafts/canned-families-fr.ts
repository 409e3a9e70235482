/**
 * The canned families in French, "vous" and "tu" alike. Suggestions say in English what to do and show in
 * French what a person would write. Patterns: a plain space is any whitespace, ' any apostrophe.
 */
import type { FamilyTable } from './canned-families.ts';

/** One word of any letters, accents included (\w is ASCII only without the u flag). */
const W = '[^\\s.,;:!?\\u0027\\u2019]+';
const TROUBLE =
  '(?:gêne(?: occasionnée)?|désagréments?|dérangements?|inconvénients?|retards?|attente|délais?|confusion|malentendus?|problèmes?|soucis|souci|incidents?|contrariétés?|contretemps|perturbations?)';
// "pour la", "pour tout", "de l'": the words between an apology and what it is for.
const WHICH = "(?:(?:la|le|les|tout|toute|tous|toutes|ce|cette|ces|des|du|un|une|éventuels|éventuelles|éventuel|éventuelle|tout autre|quelconque|ce long|cette longue) |l'|d')*";
const THANKED =
  '(?:patience|compréhension|message|courriel|e-?mail|mail|retour|confiance|fidélité|intérêt|demande|collaboration|coopération|sollicitation|commentaires?|avis|soutien|attention|achat|commande|question|réclamation|patience et (?:votre|ta) compréhension|compréhension et (?:votre|ta) patience)';
// Only a thanks that ends there, or goes on with the next clause, is the stock one.
const THANKS_END = '(?=\\s*(?:[.,!;:)—–-]|$|(?:et|pendant|durant|dans|lors|alors|nous|je|en|qui|que)(?![^\\s.,;:!?\\u0027\\u2019])))';
const SOON =
  '(?:dans les (?:plus brefs|meilleurs) délais|(?:dès|aussitôt) que possible|au plus vite|au plus tôt|rapidement|sous peu|prochainement|très vite|bientôt|dans les plus courts délais)';
const UNTIL_PUNCTUATION = '(?=\\s*[.!,]|\\s*$)';

export const FRENCH: FamilyTable = {
  specificAfter:
    /^\s+(?:avec|pour|concernant|sur|au sujet de|à propos de|de) (?:le|la|les|l'|votre|vos|ton|ta|tes|notre|nos|mon|ma|mes|du|des) ?(?!(?:demande|dossier|requête|problème|retard|situation|question|gêne|désagrément|attente|délai|entreprise|société|compagnie|maison|marque|boutique|magasin|équipe|service|clientèle)s?\b)[a-zàâäçéèêëîïôöùûüÿœ]/i,
  families: {
    inconvenience: {
      pattern: [
        `(?:nous nous excusons|je m'excuse|nous vous prions de (?:bien vouloir )?nous excuser|je vous prie de (?:bien vouloir )?m'excuser|veuillez (?:nous |m')excuser|excusez-(?:nous|moi)|(?:nous|je) vous présent(?:ons|e) (?:toutes )?(?:nos|mes) (?:plus )?(?:sincères |profondes |humbles )?excuses|toutes (?:nos|mes) excuses|(?:nos|mes) (?:plus )?sincères excuses|(?:nous sommes|je suis)(?: (?:vraiment|sincèrement|profondément|très|tellement))? désolée?s?|désolée?s?|(?:nous regrettons|je regrette))(?: (?:sincèrement|vivement|vraiment|encore))? (?:(?:pour|de|du|des) |d')${WHICH}${TROUBLE}`,
        `(?:veuillez|merci d')accepter (?:toutes )?nos (?:plus )?(?:sincères )?excuses`,
        `(?:la|cette) gêne occasionnée`,
        `(?:les |ces |tout |tous les )?(?:désagréments?|inconvénients?) (?:occasionnés?|causés?|que cela (?:a|aurait) pu (?:vous )?(?:causer|occasionner))`,
        `(?:nous sommes|je suis) désolée?s? si cela vous a`,
        `désolée?s? que vous ayez (?:eu )?l'impression`,
        `désolée?s? que vous ayez (?:vécu|eu) (?:cette|une telle) (?:expérience|situation)`,
      ].join('|'),
      suggestion: 'Say what went wrong and that you are sorry: "Je suis désolée que la casserole soit arrivée fêlée."',
      example: 'Nous nous excusons pour la gêne occasionnée.',
    },
    'contact-us': {
      pattern: [
        `n'hésitez pas à|n'hésite pas à`,
        `(?:nous restons|je reste|nous sommes|je suis|nous demeurons|je demeure|(?:notre|mon) (?:équipe|service(?: client)?) (?:reste|est))(?: (?:bien sûr|évidemment|naturellement|toujours))? (?:à votre|à ta) (?:entière |complète )?(?:disposition|écoute)`,
        `(?:il )?nous fera (?:un )?plaisir d'y répondre`,
        `(?:contactez|écrivez)-nous (?:sans hésiter|à tout moment|si besoin)`,
      ].join('|'),
      suggestion: 'Say "Répondez simplement à ce message, je le lirai moi-même."',
      example: "N'hésitez pas à nous contacter.",
    },
    'any-questions': {
      pattern: [
        `pour (?:toute|tout|toutes)(?: (?:autre|nouvelle|éventuelle|autres))? (?:question|demande|information|renseignement|précision|interrogation)s?`,
        `si vous (?:avez|aviez|avez encore) (?:des |d'autres |la moindre |une |quelques )(?:questions?|interrogations?|demandes?|besoins?|doutes?)`,
        `si vous avez besoin (?:de plus |d'autres |d'aide|d'informations?|d'un complément|de quoi que ce soit|d'autre chose|de renseignements?|de précisions?)`,
        `(?:en cas de|pour d'éventuelles?) (?:questions?|interrogations?|besoin)`,
      ].join('|'),
      suggestion: 'Say "Si autre chose se présente, répondez simplement à ce message."',
      example: 'Pour toute question, …',
    },
    'anything-else': {
      pattern: [
        `(?:puis-je|pouvons-nous|je peux|nous pouvons|pourrais-je|pourrions-nous) vous (?:aider|être utile|renseigner)(?: (?:pour|avec|sur|en|à))? (?:autre chose|quelque chose d'autre|d'autres? (?:choses?|questions?|sujets?))`,
        `(?:y a-t-il|est-ce qu'il y a|il y a) (?:autre chose|quelque chose d'autre) (?:que|dont|pour)`,
        `avez-vous d'autres (?:questions|demandes)`,
        `(?:autre chose|quoi que ce soit d'autre) (?:que je puisse|que nous puissions|pour vous)`,
      ].join('|'),
      suggestion: 'Leave it out, or ask about something of theirs: "Le couvercle va-t-il aussi sur la petite casserole ?"',
      example: 'Puis-je vous aider pour autre chose ?',
    },
    'understand-feelings': {
      pattern: [
        `(?:je|nous) (?:comprends|comprenons)(?: (?:tout à fait|parfaitement|bien|totalement|entièrement|très bien))? (?:votre|ta|ton|vos) (?:frustration|mécontentement|déception|agacement|colère|inquiétudes?|insatisfaction|irritation|désarroi|exaspération|préoccupations?|énervement)`,
        `(?:j'imagine|nous imaginons|je peux imaginer|je devine|nous comprenons) (?:à quel point|combien) (?:cela|c'est|ça|la situation)(?: (?:doit|peut) être| a (?:pu )?être| est)? (?:${W} )?(?:frustrant|agaçant|désagréable|énervant|décevant|pénible)`,
        `(?:nous sommes|je suis) conscients? (?:de la gêne|des désagréments|du désagrément)`,
        `(?:je|nous) (?:comprends|comprenons) (?:pourquoi|que) vous (?:soyez|êtes) (?:frustrée?s?|mécontente?s?|déçue?s?|agacée?s?|en colère)`,
      ].join('|'),
      suggestion: 'Name what went wrong for them: "Deux semaines sans casserole, juste avant votre dîner : c\'est pénible."',
      example: 'Je comprends votre frustration.',
    },
    'thanks-for': {
      pattern: [
        `(?:merci|un grand merci|merci beaucoup|mille mercis|nous vous remercions|je vous remercie)(?: (?:infiniment|vivement|sincèrement|encore|beaucoup|par avance|d'avance|chaleureusement|bien))* (?:pour|de) (?:votre|vos|ta|ton|tes) ${THANKED}${THANKS_END}`,
        `(?:merci|nous vous remercions|je vous remercie)(?: (?:vivement|sincèrement|encore))* (?:de|pour) l'intérêt (?:que vous (?:portez|manifestez|avez porté)|porté)`,
        `merci (?:beaucoup )?(?:d'avoir choisi|de nous avoir (?:contactés?|écrit|choisis?|fait confiance|sollicités?)|d'avoir pris contact|d'avoir pris le temps)`,
        `(?:merci|remerciant) (?:d'avance|par avance|à l'avance)`,
        `en vous remerciant (?:de|pour) votre ${THANKED}`,
      ].join('|'),
      suggestion: 'Thank them for something specific, or leave it out: "Merci pour la photo de la poignée."',
      example: 'Merci pour votre patience.',
    },
    'stock-opener': {
      pattern: [
        `madame,? monsieur|madame ou monsieur`,
        `(?:cher|chère|chers|chères) (?:client|cliente|clients|clientes|client\\(e\\)|utilisateur|utilisatrice|membre|abonnée?)`,
        `chère madame,? cher monsieur`,
        `j'espère que (?:vous allez bien|ce (?:message|courriel|mail|e-mail) vous trouve)`,
        `(?:pour )?(?:faire )?suite à votre (?:demande|message|courriel|e-?mail|mail|appel|réclamation)`,
        `en réponse à votre (?:demande|message|courriel|e-?mail|mail|réclamation)`,
        `(?:nous avons|j'ai) (?:le plaisir|le regret) de vous (?:informer|annoncer|faire savoir)`,
        `nous sommes au regret de`,
        `(?:nous tenons|je tiens) à vous informer`,
        `je me permets de (?:revenir vers vous|vous (?:contacter|écrire|relancer))`,
        `(?:je serais|nous serions|je suis|nous sommes) (?:ravie?s?|heureu(?:x|se|ses)|enchantée?s?) de vous (?:aider|assister|accompagner|renseigner)`,
        `c'est avec (?:grand )?plaisir que (?:je|nous)`,
        `en quoi (?:puis-je|puis je|pouvons-nous|pourrais-je) vous (?:être utile|aider)`,
      ].join('|'),
      suggestion: 'Start with their name and what they wrote about: "Bonjour Claire, pour la poignée :"',
      example: 'Madame, Monsieur,',
    },
    'stock-closing': {
      pattern: [
        `(?:nous espérons|j'espère|en espérant)(?: que)? (?:avoir|ces informations|cette réponse|cela|ceci|ce message|vous avoir|vous revoir|le plaisir)(?: ${W}){0,5}? (?:répondu|utiles?|aidée?s?|éclairée?s?|satisfaction|servir|bientôt|attentes|répondre)`,
        `(?:vous )?donner (?:pleine |entière )?satisfaction`,
        `(?:(?:je vous souhaite|nous vous souhaitons) )?(?:une )?(?:bonne|excellente|très bonne|agréable) (?:journée|fin de journée|soirée|semaine|fin de semaine|week-end)${UNTIL_PUNCTUATION}`,
        `(?:votre|ta) (?:satisfaction|avis|opinion|confiance|appel|demande|message) (?:est|reste|compte) (?:notre (?:priorité|préoccupation)|(?:très |vraiment |extrêmement )?(?:importante?|précieu(?:x|se)) pour nous|(?:beaucoup )?pour nous)`,
        `(?:nous sommes|je suis) (?:heureux|ravie?s?|fiers?) de vous compter parmi`,
        `au plaisir de vous (?:lire|revoir|servir|retrouver)`,
        `dans l'attente de (?:votre|vous) (?:retour|réponse|lire)`,
        `(?:nous prenons|je prends) (?:${W} ){0,3}?(?:très )?au sérieux`,
        `soyez (?:assurée?s?|certaine?s?) que`,
        `(?:veuillez |vous )trouver(?:ez)? ci-joint`,
        `(?:veuillez |je vous prie d'|nous vous prions d')agréer`,
        `(?:recevez|veuillez recevoir),? (?:${W} ){0,3}?(?:nos|mes) (?:sincères |meilleures )?salutations`,
        `salutations distinguées`,
        `nous restons à votre écoute`,
      ].join('|'),
      suggestion: 'End with the next step: "La nouvelle casserole part demain ; vous l\'aurez jeudi."',
      example: 'En espérant avoir répondu à votre question.',
    },
    'ticket-receipt': {
      pattern: [
        `(?:nous avons|j'ai) bien (?:reçu|pris en compte|noté) (?:votre|ta) (?:demande|message|courriel|e-?mail|mail|réclamation|requête|commande|question|ticket)`,
        `(?:nous accusons|j'accuse|accusons|accuser) (?:bonne )?réception`,
        `(?:votre|ta) (?:demande|message|courriel|e-?mail|réclamation|requête|dossier|ticket) (?:a|ont) (?:bien )?été (?:reçue?s?|enregistrée?s?|prise?s? en compte|transmise?s?|transférée?s?|créée?s?)`,
        `(?:votre|ta) (?:demande|réclamation|requête|dossier) est (?:en cours de traitement|en cours d'étude|à l'étude|bien enregistrée?)`,
        `(?:nous|je) (?:reviendrons|reviens|reviendrai|répondrons|répondrai|traiterons|traiterai|contacterons|recontacterons|ferons|vous recontacterons|vous répondrons|vous contacterons)(?: ${W}){0,3}? ${SOON}`,
        `dans les (?:plus brefs|meilleurs) délais`,
        `(?:un|une|l'un de nos|l'une de nos|notre) (?:conseill(?:er|ère)s?|agent|membre de (?:notre|l')équipe|technicien|collaborat(?:eur|rice)|équipe|service client)(?: ${W}){0,3} (?:vous )?(?:répondra|reviendra vers vous|vous contactera|prendra contact|recontactera|traitera)`,
        `(?:ceci|ce message|ce courriel) est (?:un message |une réponse )?(?:automatique|généré automatiquement)`,
        `(?:merci de |veuillez )?ne pas répondre à ce (?:message|courriel|mail|e-mail)`,
        `votre numéro de (?:ticket|dossier|demande|référence) est`,
        `nous (?:étudions|examinons|analysons) (?:actuellement )?votre (?:demande|dossier|réclamation)`,
      ].join('|'),
      suggestion: 'Answer it now, or say when you will, with a day or an hour: "Je vous écris jeudi avant midi."',
      example: 'Nous avons bien reçu votre demande et reviendrons vers vous dans les plus brefs délais.',
    },
    policy: {
      pattern: [
        `c'est (?:la|notre) (?:politique|règle|procédure)(?: de (?:l'entreprise|la maison|la société))?`,
        `(?:ce sont|c'est) (?:nos|les) (?:conditions|règles)`,
        `(?:conformément (?:à|aux)|selon|d'après|en vertu de) (?:nos|notre|les|la) (?:conditions générales|cgv|cgu|politique|règlement|procédures?|conditions de vente)`,
        `(?:nous ne pouvons|je ne peux|on ne peut) (?:pas |malheureusement pas )?(?:faire|accorder) (?:d'|une )?exceptions?`,
        `aucune exception (?:ne peut|n'est)`,
        `(?:veuillez|merci de) (?:consulter|vous référer à|lire) (?:notre|nos|la|les) (?:faq|cgv|conditions|foire aux questions|site|rubrique)`,
        `la décision est (?:définitive|finale|irrévocable)`,
      ].join('|'),
      suggestion: 'Give the reason behind the rule and what you can do within it: "Après 30 jours nous ne reprenons rien, parce que … ; ce que je peux faire : …"',
      example: "C'est la politique de l'entreprise.",
    },
    'closing-door': {
      pattern: [
        `(?:de )?ne (?:pouvoir|pas pouvoir|peut|pouvons|pouvez) (?:pas )?donner suite|impossible de donner suite`,
        `(?:nous ne pouvons|je ne peux|on ne peut) (?:malheureusement )?rien (?:faire|de plus)`,
        `(?:il n'y a )?rien (?:de plus )?que (?:nous puissions|je puisse) faire`,
        `(?:ce|cela|ça) n'est pas (?:de notre ressort|de mon ressort|mon service|notre service|notre faute|ma faute|notre responsabilité|mon rôle)`,
        `(?:cela|ça|ceci) ne dépend pas de (?:nous|moi)`,
        `le système ne (?:me|nous) (?:permet|laisse) pas`,
        `(?:adressez-vous|veuillez vous adresser|il faut vous adresser|vous devez vous adresser) (?:directement )?(?:au|à un|à l'autre|à un autre) (?:fabricant|transporteur|service|constructeur)`,
        `je ne suis pas (?:habilitée?|autorisée?) à`,
      ].join('|'),
      suggestion: 'Say what you can do, or who can, and hand it over yourself: "J\'ai déjà écrit au fabricant pour vous."',
      example: 'Nous ne pouvons rien faire de plus.',
    },
    blame: {
      pattern: [
        `c'était (?:pourtant |bien )?(?:écrit|indiqué|précisé|mentionné)`,
        `comme (?:déjà |nous l'avons |je l'ai |je vous l'ai |nous vous l'avons )(?:déjà )?(?:indiqué|mentionné|précisé|expliqué|dit|signalé|écrit)`,
        `comme (?:indiqué|mentionné|précisé|expliqué|signalé) (?:précédemment|auparavant|plus haut|dans notre précédent (?:message|courriel)|à plusieurs reprises)`,
        `vous auriez (?:dû|pu)`,
        `vous avez (?:sans doute |probablement |certainement )?mal (?:compris|lu|interprété)`,
        `vous n'avez (?:sans doute |probablement )?pas (?:lu|suivi|vérifié)`,
        `vous êtes (?:le premier|la première|le seul|la seule) (?:à|client)`,
        `il (?:fallait|faut) (?:lire|vérifier|bien lire)`,
        `vous devez (?:d'abord|recommencer|tout recommencer)`,
      ].join('|'),
      suggestion: 'Leave out whose fault it was; say what happens next: "Je vous renvoie la notice, avec une photo."',
      example: "Comme je vous l'ai déjà expliqué, …",
    },
    'how-to-feel': {
      pattern: [
        `calmez-vous|calme-toi`,
        `(?:ne vous |ne t')(?:énervez|énerve) pas`,
        `pas de panique`,
        `(?:il n'y a )?pas de quoi (?:s'énerver|vous énerver|s'inquiéter|paniquer)`,
        `(?:il n'y a )?pas lieu de (?:vous |s')(?:inquiéter|énerver|alarmer)`,
        `pas de (?:problème|souci)${UNTIL_PUNCTUATION}`,
        `soyez patiente?s?`,
        `restez calme|merci de rester courtois`,
      ].join('|'),
      suggestion: 'Name what happened to them; let them feel what they feel: "Deux colis perdus de suite, c\'est vraiment rageant."',
      example: "Calmez-vous, s'il vous plaît.",
    },
  },
};
