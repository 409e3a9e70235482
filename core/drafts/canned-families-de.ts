/**
 * The canned families in German, formal "Sie" and informal "du" alike. Suggestions say in English what to
 * do and show in German what a person would write. Patterns: a plain space is any whitespace, ' any apostrophe.
 */
import type { FamilyTable } from './canned-families.ts';

/** One word of any letters, umlauts included (\w is ASCII only without the u flag). */
const W = '[^\\s.,;:!?]+';
const TROUBLE =
  '(?:unannehmlichkeit(?:en)?|umstände|verzögerung(?:en)?|verspätung(?:en)?|wartezeit(?:en)?|verwirrung(?:en)?|ärger|probleme?|schwierigkeiten|missverständnis(?:se)?|störung(?:en)?|zwischenfall|vorfall|fehler|warterei)';
// "für die", "für eventuell entstandene oder entstehende": the words between an apology and what it is for.
const WHICH =
  '(?:(?:die|diese|dies|alle|jegliche|etwaige|eventuelle|eventuell|evtl\\.?|möglicherweise|mögliche|entstandene|entstandenen|entstehende|entstehenden|oder|unsere|die lange|lange|dadurch|hierdurch) )*';
const THANKED =
  '(?:geduld|verständnis|nachricht|anfrage|e-?mail|mail|kontaktaufnahme|vertrauen|interesse|mühe|bemühungen|rückmeldung|feedback|anregung|schreiben|treue|mitteilung|hinweis|mithilfe|kooperation|zusammenarbeit|einkauf|anliegen|verständnis und (?:ihre|deine) geduld|geduld und (?:ihr|dein) verständnis)';
// Only a thanks that ends there, or goes on with the next clause, is the stock one.
const THANKS_END = `(?=\\s*(?:[.,!;:)—–-]|$|(?:und|sowie|während|in|bei|so|wir|ich)(?![^\\s.,;:!?])))`;
const SOON = '(?:schnellstmöglich|so schnell wie möglich|schnellstens|zeitnah|in kürze|baldmöglichst|umgehend|möglichst bald|so bald wie möglich|in den nächsten tagen|bald)';

export const GERMAN: FamilyTable = {
  specificAfter:
    /^\s+(?:mit|bei|wegen|für|zu|an|über) (?:dem|der|den|die|das|ihrem|ihrer|ihren|ihre|deinem|deiner|deinen|deine|unserem|unserer|unseren|unsere|zum|zur|beim) (?!(?:anliegen|anfrage|angelegenheit|sache|verzögerung|unannehmlichkeit|unannehmlichkeiten|umstände|wartezeit|problem|situation|vorgang|unternehmen|firma|team|service|kundenservice|shop|haus)\b)[a-zäöüß]/i,
  families: {
    inconvenience: {
      pattern: [
        `(?:wir|ich) (?:möchten uns|möchte mich|entschuldigen uns|entschuldige mich|bitten|bitte)(?: ${W}){0,4}? (?:für|um entschuldigung für) ${WHICH}${TROUBLE}`,
        `(?:wir|ich) (?:möchten uns|möchte mich) (?:${W} ){0,3}?für ${WHICH}${TROUBLE} (?:vielmals |aufrichtig |nochmals )?entschuldigen`,
        `(?:bitte )?(?:entschuldigen sie|entschuldige|entschuldigt|entschuldigung für|sorry für|verzeihen sie|verzeihung für|pardon für)(?: bitte)? ${WHICH}${TROUBLE}`,
        `(?:bitten|bitte) (?:wir|ich)(?: sie)?(?: (?:vielmals|höflich|höflichst|nochmals|sehr))? um entschuldigung`,
        `(?:wir|ich) (?:bitten|bitte)(?: sie)?(?: (?:vielmals|höflich|höflichst|nochmals|sehr))? um entschuldigung`,
        `(?:wir bitten|bitten wir|ich bitte|bitte ich) (?:sie )?${WHICH}(?:${TROUBLE}|dies|das) zu entschuldigen`,
        `(?:es tut (?:uns|mir) (?:sehr |wirklich |aufrichtig |außerordentlich )?leid|wir bedauern|ich bedauere)(?: (?:sehr|zutiefst|außerordentlich))?(?: für| über)? ${WHICH}${TROUBLE}`,
        `(?:wir bedauern|ich bedauere) (?:den|diesen|unseren|meinen) (?:fehler|vorfall|zwischenfall)`,
        `für (?:etwaige|eventuelle|alle|jegliche|eventuell entstandene|evtl\\. entstandene) ${TROUBLE}`,
        `(?:eventuell|möglicherweise|evtl\\.?) entstandene(?:n)?(?: oder entstehende(?:n)?)? ${TROUBLE}`,
      ].join('|'),
      suggestion: 'Say what went wrong and that you are sorry: "Es tut mir leid, dass die Pfanne mit einem Sprung ankam."',
      example: 'Wir entschuldigen uns für die Unannehmlichkeiten.',
    },
    'contact-us': {
      pattern: [
        `(?:stehen wir|stehe ich|wir stehen|ich stehe|steht (?:ihnen |dir )?(?:unser|unsere) ${W}(?: ${W})?)(?: (?:ihnen|dir|euch))?(?: (?:jederzeit|selbstverständlich|natürlich|sehr|auch|weiterhin|gerne|gern|bei fragen))* zur verfügung`,
        `zögern sie nicht|zögere nicht|zögert nicht`,
        `(?:kontaktieren|kontaktiere|melden|melde|wenden|wende) (?:sie |dich )?(?:sich |uns |mich )?(?:bitte )?(?:(?:jederzeit|gerne|gern) )+(?:an uns|bei uns|bei mir|an mich)`,
        `(?:kontaktieren|kontaktiere) (?:sie )?(?:uns|mich) (?:bitte )?(?:jederzeit|gerne|gern)`,
        `sie erreichen uns (?:jederzeit|gerne|rund um die uhr)`,
      ].join('|'),
      suggestion: 'Say "Antworten Sie einfach auf diese Mail, ich lese sie selbst."',
      example: 'Für Rückfragen stehen wir Ihnen gerne zur Verfügung.',
    },
    'any-questions': {
      pattern: [
        `(?:bei|für) (?:weiteren |etwaigen |eventuellen |offenen |allen )?(?:rückfragen|fragen|unklarheiten)`,
        `(?:sollten|falls|wenn|solltest|sofern) (?:sie|du) (?:noch )?(?:weitere |andere |zusätzliche |offene |irgendwelche )?(?:fragen|rückfragen|anliegen|wünsche) ha(?:ben|st)`,
        `(?:sollten|sollte|falls|wenn) (?:noch )?(?:weitere |offene )?(?:fragen|unklarheiten) (?:bestehen|offen sein|auftauchen|aufkommen|entstehen)`,
        `(?:falls|wenn|sollten) sie (?:noch )?(?:weitere )?(?:informationen|hilfe|unterstützung) (?:benötigen|brauchen|wünschen)`,
      ].join('|'),
      suggestion: 'Say "Wenn noch etwas ist, schreiben Sie mir einfach zurück."',
      example: 'Sollten Sie weitere Fragen haben, …',
    },
    'anything-else': {
      pattern: [
        `(?:kann|können|darf|dürfen) (?:ich|wir)(?: (?:ihnen|dir|euch))?(?: (?:sonst|noch|ansonsten|irgendwie))+(?: (?:etwas|irgendetwas|was))?(?: für (?:sie|dich) tun| (?:weiter)?helfen| behilflich sein)`,
        `gibt es (?:(?:sonst|noch|ansonsten) )+(?:etwas|irgendetwas|was),? (?:bei dem|womit|wobei|wo|das|für das) (?:ich|wir)`,
        `haben sie (?:noch )?(?:weitere|andere) (?:fragen|anliegen|wünsche)`,
      ].join('|'),
      suggestion: 'Leave it out, or ask about something of theirs: "Passt der neue Deckel auch auf die kleine Pfanne?"',
      example: 'Kann ich Ihnen sonst noch weiterhelfen?',
    },
    'understand-feelings': {
      pattern: [
        `(?:ich|wir) (?:verstehe|verstehen|kann|können)(?: (?:sehr gut|gut|vollkommen|voll|durchaus|absolut|natürlich))? (?:ihren|ihre|deinen|deine|euren|eure) (?:frust|frustration|ärger|unmut|verärgerung|enttäuschung|unzufriedenheit|aufregung|sorge|sorgen|bedenken)`,
        `(?:ihren|ihre|deinen|deine) (?:frust|frustration|ärger|unmut|verärgerung|enttäuschung|unzufriedenheit)(?: (?:sehr gut|gut|vollkommen|voll|durchaus|absolut))* (?:verstehen|nachvollziehen)`,
        `(?:ich|wir) (?:kann|können) (?:mir|uns) (?:sehr )?(?:gut )?vorstellen,? wie (?:ärgerlich|frustrierend|unangenehm|enttäuschend|nervig)`,
        `(?:wir haben|ich habe) (?:vollstes |volles |großes )?verständnis für (?:ihren|ihre|deinen|deine) (?:ärger|unmut|frust|verärgerung|situation)`,
      ].join('|'),
      suggestion: 'Name what went wrong for them: "Zwei Wochen ohne Pfanne, und das vor dem Fest – das ist ärgerlich."',
      example: 'Ich verstehe Ihren Ärger.',
    },
    'thanks-for': {
      pattern: [
        `(?:vielen |herzlichen |besten |recht herzlichen |ganz herzlichen |tausend )?(?:dank|danke)(?: ihnen| dir)?(?: (?:vielmals|sehr|schön|nochmals|erneut))* für (?:ihr|ihre|ihren|dein|deine|deinen|die|das) ${THANKED}${THANKS_END}`,
        `(?:wir|ich) (?:danken|danke|bedanken uns|bedanke mich)(?: (?:ihnen|dir|herzlich|vielmals|recht herzlich|nochmals|sehr|auch))* für (?:ihr|ihre|ihren|dein|deine|die) ${THANKED}${THANKS_END}`,
        `(?:wir|ich) (?:möchten uns|möchte mich)(?: (?:herzlich|recht herzlich|nochmals|gerne|gern))* für (?:ihr|ihre|ihren|die) ${THANKED} bedanken`,
        `(?:gerne|gern) (?:möchten wir uns|möchte ich mich) für (?:ihr|ihre|ihren|die) ${THANKED} bedanken`,
        `(?:wir )?bitten (?:sie )?(?:um )?(?:ihr |dein |euer )?verständnis`,
        `(?:vielen )?dank(?:e)?,? dass sie (?:sich für ${W}(?: ${W}){0,3} entschieden|uns (?:kontaktiert|geschrieben)|sich (?:an uns )?gewandt) haben`,
        `(?:vielen )?dank(?:e)? im voraus`,
      ].join('|'),
      suggestion: 'Thank them for something specific, or leave it out: "Danke für das Foto vom Griff."',
      example: 'Vielen Dank für Ihr Verständnis.',
    },
    'stock-opener': {
      pattern: [
        `sehr geehrte damen und herren`,
        `(?:sehr geehrte|sehr geehrter|liebe|lieber|geschätzte|geschätzter|werte|werter) (?:kundin|kunde|kundinnen|kunden|kundschaft|nutzerin|nutzer|mitglied|gast|firmenkunde)`,
        `ich hoffe,? (?:es geht ihnen gut|sie hatten einen|diese (?:e-?mail|nachricht) erreicht sie)`,
        `(?:bezugnehmend|bezug nehmend|bezug-nehmend) auf|in bezug auf ihre (?:anfrage|e-?mail|nachricht)`,
        `(?:hiermit|hierdurch) (?:möchten wir|teilen wir|informieren wir|bestätigen wir)`,
        `(?:leider )?müssen wir ihnen (?:leider )?mitteilen|wir (?:möchten|dürfen) ihnen (?:hiermit |gerne |mit freude )?mitteilen|wir freuen uns,? ihnen mitteilen zu (?:können|dürfen)`,
        `(?:gerne|gern) (?:helfe ich|helfen wir) ihnen(?: (?:weiter|dabei|bei ihrem anliegen|bei ihrer anfrage))?(?=\\s*[.,!]|\\s*$)`,
        `(?:ich|wir) (?:helfe|helfen) ihnen (?:sehr )?(?:gerne|gern)(?: weiter)?(?=\\s*[.,!]|\\s*$)`,
        `mein name ist ${W},? (?:und|ich bin)`,
        `begrüßen zu dürfen`,
      ].join('|'),
      suggestion: 'Start with their name and what they wrote about: "Hallo Jonas, zu Ihrer Tasse:"',
      example: 'Sehr geehrte Damen und Herren,',
    },
    'stock-closing': {
      pattern: [
        `(?:wir freuen uns|ich freue mich) (?:sehr )?(?:auf ihre (?:antwort|rückmeldung|nachricht|bestellung)|(?:bald |schon bald )?(?:wieder )?von ihnen zu hören|auf (?:die|eine) (?:weitere )?(?:gute )?zusammenarbeit|,? sie (?:bald )?wieder (?:bei uns )?begrüßen zu dürfen)`,
        `(?:ich|wir) hoffen?,? (?:ihnen|dir) (?:(?:hiermit|damit|mit diesen informationen) )?(?:weiter)?geholfen zu haben`,
        `(?:ich|wir) hoffen?,? (?:ich|wir) (?:konnte|konnten) (?:ihnen|dir) (?:weiter)?helfen`,
        `(?:ich|wir) hoffen?,? (?:das|dies|diese informationen?) (?:hilft|helfen|hat|haben) (?:ihnen |dir )?(?:weiter|geholfen)`,
        `(?:(?:ich wünsche|wir wünschen) (?:ihnen|dir) )?(?:noch )?(?:einen|ein) (?:schönen|schönes|angenehmen|angenehmes|guten|wunderschönen|erholsamen|erholsames) (?:tag|abend|wochenende|start in die woche)(?: noch)?(?=\\s*[.!,]|\\s*$)`,
        `(?:ihre|deine) (?:zufriedenheit|meinung|anfrage|anliegen|rückmeldung) (?:liegt uns (?:sehr )?am herzen|ist uns (?:sehr |besonders |äußerst )?wichtig|hat (?:für uns )?(?:höchste|oberste) priorität)`,
        `seien sie (?:versichert|gewiss|sicher)`,
        `(?:wir nehmen|nimmt) (?:${W} ){1,3}?(?:sehr |äußerst |besonders )?ernst`,
        `(?:wir sind|ich bin) (?:stets|immer|jederzeit) (?:bemüht|für sie da|gerne für sie da)`,
        `im anhang finden sie|anbei (?:erhalten|finden) sie`,
        `baldmöglichst`,
        `(?:ist )?ein (?:sehr )?wertvoller hinweis|(?:ihr|ihre) (?:vertrauen|zufriedenheit|meinung) ist unser (?:antrieb|ansporn|ziel|anspruch)`,
      ].join('|'),
      suggestion: 'End with the next step: "Die neue Pfanne geht morgen raus; am Donnerstag ist sie bei Ihnen."',
      example: 'Wir hoffen, Ihnen hiermit weitergeholfen zu haben.',
    },
    'ticket-receipt': {
      pattern: [
        `(?:wir haben|ich habe) (?:ihre|deine) (?:anfrage|e-?mail|mail|nachricht|bestellung|beschwerde|reklamation|mitteilung|anliegen|schreiben|ticket) (?:erhalten|bekommen|empfangen)`,
        `(?:ihre?|deine?) (?:anfrage|e-?mail|mail|nachricht|beschwerde|reklamation|mitteilung|anliegen|schreiben) (?:ist|wurde|wird) (?:bei uns )?(?:${W} )?(?:eingegangen|erhalten|weitergeleitet|zur kenntnis genommen|registriert|bearbeitet|geprüft)`,
        `(?:bestätigen|bestätige) (?:wir |ich )?(?:ihnen )?(?:hiermit )?den (?:eingang|erhalt)`,
        `eingangsbestätigung|empfangsbestätigung`,
        `(?:dies ist|diese (?:e-?mail|nachricht) ist) eine automatisch|automatisch (?:generierte|erstellte|versandte) (?:nachricht|e-?mail|antwort)`,
        `(?:bitte )?antworten sie nicht auf diese`,
        `(?:wir|ich) (?:werden|werde) (?:uns|mich) (?:${W} ){0,3}?${SOON}(?: (?:bei ihnen|mit ihnen))? (?:melden|in verbindung setzen|zurückmelden)`,
        `(?:wir|ich) (?:melden|melde) (?:uns|mich) (?:${W} ){0,2}?${SOON}`,
        `(?:ein mitarbeiter|eine mitarbeiterin|ein kollege|eine kollegin|der unterzeichner|jemand|unser team|unser ${W}team)(?: ${W}){0,3} wird sich (?:${W} ){0,6}?(?:melden|in verbindung setzen)`,
        `(?:wir|ich) (?:werden|werde) (?:ihre|deine) (?:anfrage|nachricht|e-?mail|anliegen) (?:${W} ){0,2}?(?:bearbeiten|prüfen|beantworten|überprüfen)`,
        `(?:gerne )?werden wir (?:ihre|ihr) (?:anfrage|anliegen|nachricht) (?:${W} )?(?:überprüfen|prüfen|bearbeiten)`,
        `(?:wir|ich) (?:antworten|antworte) (?:ihnen )?(?:${W} )?${SOON}`,
        `(?:ihre|deine) (?:ticket|vorgangs|referenz|bearbeitungs)-?nummer (?:lautet|ist)`,
        `in der reihenfolge (?:ihres|des) eingangs`,
        `(?:an die|an unsere) zuständige(?:n)? (?:abteilung|fachabteilung|stelle) weiter`,
        `die bearbeitung (?:ihres anliegens |ihrer anfrage )?(?:verzögert sich|dauert (?:etwas |leider )?länger)`,
      ].join('|'),
      suggestion: 'Answer it now, or say when you will, with a day or an hour: "Ich schreibe Ihnen bis Donnerstag 12 Uhr."',
      example: 'Wir haben Ihre Anfrage erhalten und melden uns schnellstmöglich.',
    },
    policy: {
      pattern: [
        `(?:das|dies) (?:ist|sind) (?:nun mal |leider |einfach )?(?:unsere|die|eine) (?:${W} )?(?:richtlinien?|firmenpolitik|vorschriften?|firmenrichtlinien?|regeln|regelung)`,
        `(?:gemäß|laut|entsprechend|gem\\.) (?:unseren|unserer|unsere|den|der) (?:allgemeinen geschäftsbedingungen|agbs?|richtlinien|geschäftsbedingungen|bestimmungen|firmenrichtlinien)`,
        `(?:wir können|ich kann|können wir|kann ich)(?: (?:hier|da|leider|ihnen))* keine ausnahmen? machen`,
        `(?:eine )?ausnahme (?:ist|kann)(?: (?:hier|leider))* (?:nicht|keine) (?:möglich|gemacht werden)`,
        `(?:bitte )?(?:lesen|beachten|konsultieren) sie (?:hierzu )?(?:unsere|die) (?:faq|agb|allgemeinen geschäftsbedingungen|hilfeseiten|website)`,
        `die entscheidung ist (?:endgültig|final)|(?:das|es) ist (?:nun mal |einfach )?so geregelt|das ist vorschrift`,
      ].join('|'),
      suggestion: 'Give the reason behind the rule and what you can do within it: "Nach 30 Tagen nehmen wir nichts zurück, weil …; was ich tun kann: …"',
      example: 'Das sind unsere Richtlinien.',
    },
    'closing-door': {
      pattern: [
        `(?:da|hier|dabei|damit) (?:kann|können) (?:ich|wir)(?: (?:ihnen|dir))?(?: (?:leider|nun mal))* nicht (?:weiter)?helfen`,
        `(?:ich|wir) (?:kann|können) (?:ihnen|dir)(?: (?:da|hier|leider|dabei))* nicht (?:weiter)?helfen`,
        `(?:da|hier) (?:kann|können) (?:ich|wir|man)(?: (?:leider|nun mal|da))* nichts (?:machen|tun|ändern)`,
        `(?:es gibt )?nichts,? was (?:ich|wir) (?:noch )?tun (?:kann|können)`,
        `(?:dafür|hierfür) (?:sind|bin) (?:wir|ich) (?:leider )?nicht zuständig`,
        `(?:das|dies) ist nicht (?:meine|unsere) (?:abteilung|aufgabe|zuständigkeit|schuld|verantwortung)`,
        `(?:mir|uns) sind (?:leider )?die hände gebunden`,
        `(?:darauf|hierauf) (?:haben|hab) (?:wir|ich) (?:leider )?keinen einfluss`,
        `(?:das|dies) liegt (?:leider )?(?:nicht in|außerhalb) (?:unserer|meiner) (?:hand|macht|kontrolle)`,
        `das system (?:lässt|erlaubt) (?:das|dies|es) nicht`,
        `(?:wenden|melden) sie sich (?:bitte )?(?:direkt )?an (?:den hersteller|eine andere abteilung|die zuständige (?:abteilung|stelle))`,
        `(?:können|kann) (?:wir|ich) ihnen ihre frage nicht beantworten`,
        `keine (?:positivere|bessere|erfreulichere|andere) (?:antwort|nachricht|auskunft|mitteilung)`,
        `(?:können|kann) (?:wir|ich) (?:von hier aus )?nicht (?:in ${W} ${W} )?eingreifen`,
      ].join('|'),
      suggestion: 'Say what you can do, or who can, and hand it over yourself: "Ich habe den Hersteller schon angeschrieben."',
      example: 'Da kann ich Ihnen leider nicht weiterhelfen.',
    },
    blame: {
      pattern: [
        `sie hätten (?:${W} ){0,4}?(?:sollen|müssen)`,
        `wie (?:bereits|schon) (?:erwähnt|gesagt|mitgeteilt|erklärt|geschrieben|beschrieben)`,
        `wie (?:ich|wir) (?:ihnen |dir )?(?:bereits|schon) (?:${W} )?(?:mitgeteilt|gesagt|erklärt|geschrieben)`,
        `(?:muss|dürfte|wird) (?:wohl |bestimmt |sicher )?an (?:ihrem|deinem) (?:pc|computer|gerät|browser|rechner|handy|router) liegen`,
        `sie haben (?:das |uns |es |dies )?(?:wohl |offenbar |anscheinend |wahrscheinlich )?(?:falsch verstanden|übersehen|missverstanden|nicht gelesen)`,
        `unsachgemäße[nr]? (?:umgang|gebrauch|behandlung|nutzung)`,
        `sie müssen (?:noch einmal|nochmal|erst|zuerst|halt|eben|schon)`,
        `sie sind (?:der|die) (?:erste|einzige)`,
        `das glaube ich ihnen nicht`,
        `da haben sie (?:etwas |sich )?(?:falsch verstanden|geirrt|verlesen)`,
      ].join('|'),
      suggestion: 'Leave out whose fault it was; say what happens next: "Ich schicke Ihnen die Anleitung noch einmal, mit Bild."',
      example: 'Wie bereits erwähnt, …',
    },
    'how-to-feel': {
      pattern: [
        `beruhigen sie sich|beruhige dich`,
        `(?:bitte )?regen sie sich nicht (?:so )?auf`,
        `kein grund zur (?:aufregung|sorge|panik|beunruhigung)`,
        `sie brauchen sich (?:keine sorgen zu machen|nicht (?:so )?aufzuregen)`,
        `kein problem(?=\\s*[.!,]|\\s*$)`,
        `(?:bitte )?haben sie (?:noch )?(?:etwas )?geduld`,
        `bleiben sie (?:bitte )?ruhig`,
        `(?:das|es) ist doch nicht so schlimm`,
      ].join('|'),
      suggestion: 'Name what happened to them; let them feel what they feel: "Dass das Paket zweimal verloren ging, ist wirklich ärgerlich."',
      example: 'Beruhigen Sie sich bitte.',
    },
  },
};
