/**
 * The canned families in Spanish, "usted" and "tú" alike. Suggestions say in English what to do and show in
 * Spanish what a person would write. Patterns: a plain space is any whitespace, ' any apostrophe.
 */
import type { FamilyTable } from './canned-families.ts';

/** One word of any letters, accents included (\w is ASCII only without the u flag). */
const W = '[^\\s.,;:!?¿¡]+';
const TROUBLE = '(?:molestias?|inconvenientes?|retrasos?|demoras?|esperas?|confusi[óo]n|malentendidos?|problemas?|trastornos?|perjuicios?|contratiempos?)';
// "por las", "por cualquier": the words between an apology and what it is for.
const WHICH = '(?:(?:las|los|el|la|cualquier|todas las|todos los|toda|todo|este|esta|estos|estas|esas|esos|posibles|eventuales|este largo|esta larga) )*';
const THANKED =
  '(?:paciencia|comprensi[óo]n|mensaje|consulta|confianza|interés|correo|e-?mail|email|colaboraci[óo]n|cooperaci[óo]n|tiempo|comentarios?|opini[óo]n|preferencia|solicitud|fidelidad|compra|pedido|atenci[óo]n|apoyo|paciencia y comprensi[óo]n|comprensi[óo]n y paciencia)';
// Only a thanks that ends there, or goes on with the next clause, is the stock one.
const THANKS_END = '(?=\\s*(?:[.,!;:)—–-]|$|(?:y|mientras|durante|en|nosotros|le|les|te|ya|que)(?![^\\s.,;:!?¿¡])))';
const SOON = '(?:lo antes posible|a la mayor brevedad(?: posible)?|en breve|cuanto antes|lo más pronto posible|en la mayor brevedad|próximamente|pronto|lo más rápido posible)';
const UNTIL_PUNCTUATION = '(?=\\s*[.!,]|\\s*$)';

export const SPANISH: FamilyTable = {
  specificAfter:
    /^\s+(?:con|de|por|sobre|en) (?:el|la|los|las|su|sus|tu|tus|nuestro|nuestra|nuestros|nuestras|mi|mis|del) (?!(?:solicitud|consulta|caso|asunto|problema|retraso|situaci[óo]n|pregunta|molestia|espera|demora|incidencia|empresa|compañía|tienda|equipo|servicio|marca|casa)s?\b)[a-záéíóúüñ]/i,
  families: {
    inconvenience: {
      pattern: [
        `(?:lamentamos|lamento|sentimos|siento|disculpe|disculpen|disculpa|disculpad|perdón|perdone|perdonen|perdona|(?:le |les |te |os )?(?:pedimos|pido|ofrecemos|ofrezco) (?:nuestras |mis |sinceras |nuevamente |de nuevo )*disculpas|(?:nos|me) disculpamos|(?:nos|me) disculpo|mil disculpas|(?:reciba|acepte|acepta|reciban) (?:nuestras|mis) (?:más )?(?:sinceras )?disculpas|disculpas)(?: (?:mucho|sinceramente|profundamente|de verdad|de nuevo|nuevamente))? (?:por )?${WHICH}${TROUBLE}`,
        `${TROUBLE} (?:ocasionad|causad)[oa]s?`,
        `(?:lamentamos|sentimos|lamento|siento) (?:mucho )?que (?:te|le|les|os) haya(?:n)? (?:pasado|ocurrido|sucedido) (?:esto|eso)`,
        `(?:lamentamos|lamento|sentimos|siento) que (?:te hayas|se haya|se hayan|os hayáis) sentido así`,
      ].join('|'),
      suggestion: 'Say what went wrong and that you are sorry: "Siento que la sartén llegara rajada."',
      example: 'Lamentamos las molestias.',
    },
    'contact-us': {
      pattern: [
        `no (?:dude|dudes|duden|dudéis|vacile) en`,
        `(?:estamos|quedamos|quedo|estoy|seguimos|sigo|permanecemos) (?:a (?:su|tu|vuestra) (?:entera |completa |total )?disposición|atent[oa]s?|a la espera de (?:sus|tus) (?:noticias|comentarios))`,
        `(?:puede|puedes|pueden) (?:contactarnos|escribirnos|llamarnos|ponerse en contacto con nosotros) (?:en cualquier momento|cuando (?:lo )?(?:desee|necesite|quiera))`,
      ].join('|'),
      suggestion: 'Say "Responda a este correo sin más, lo leeré yo misma."',
      example: 'No dude en contactarnos.',
    },
    'any-questions': {
      pattern: [
        `si (?:tiene|tienes|tienen|tuviera|tuviese|tuvieras|le surge|te surge|surge) (?:alguna|cualquier|más|otra|otras|alguna otra) (?:pregunta|duda|consulta|inquietud|cuesti[óo]n)(?:s|es)?`,
        `(?:para|ante|con) cualquier (?:otra )?(?:duda|consulta|pregunta|aclaraci[óo]n|inquietud|cuesti[óo]n)`,
        `en caso de (?:cualquier |tener |más |alguna )?(?:duda|consulta|pregunta)s?`,
        `si (?:necesita|necesitas|necesitan|requiere|requieres) (?:más información|información adicional|ayuda adicional|asistencia|más ayuda|algo más|cualquier otra cosa)`,
      ].join('|'),
      suggestion: 'Say "Si surge cualquier otra cosa, responda a este correo."',
      example: 'Si tiene alguna pregunta adicional, …',
    },
    'anything-else': {
      pattern: [
        `(?:hay )?algo más (?:en (?:lo )?que|con lo que|que) (?:pueda|podamos|puedo|podemos) (?:ayudarle|ayudarte|ayudar|hacer por (?:usted|ti))`,
        `(?:puedo|podemos|le puedo|te puedo|le podemos|te podemos) (?:ayudarle |ayudarte |ayudar )?(?:en|con) (?:algo|alguna otra cosa) más`,
        `(?:necesita|necesitas|desea|deseas) algo más`,
        `(?:tiene|tienes) (?:alguna )?otra (?:pregunta|duda|consulta)`,
      ].join('|'),
      suggestion: 'Leave it out, or ask about something of theirs: "¿La tapa nueva le sirve también para la sartén pequeña?"',
      example: '¿Hay algo más en lo que pueda ayudarle?',
    },
    'understand-feelings': {
      pattern: [
        `(?:entiendo|entendemos|comprendo|comprendemos)(?: (?:perfectamente|totalmente|completamente|muy bien|bien))? (?:tu|su|vuestra|sus|tus) (?:frustraci[óo]n|molestia|enfado|malestar|preocupaci[óo]n|preocupaciones|descontento|decepci[óo]n|indignaci[óo]n|inquietud|disgusto|enojo)`,
        `(?:entiendo|entendemos|comprendo|comprendemos|me imagino|imagino|nos imaginamos|podemos imaginar|puedo imaginar) lo (?:frustrante|molesto|desagradable|incómodo|decepcionante|difícil|pesado) que`,
      ].join('|'),
      suggestion: 'Name what went wrong for them: "Dos semanas sin sartén, y justo antes de la cena: es un fastidio."',
      example: 'Entiendo su frustración.',
    },
    'thanks-for': {
      pattern: [
        `(?:muchas |mil |muchísimas )?gracias(?: de nuevo| otra vez| nuevamente)? por (?:su|tu|vuestra|sus|tus) ${THANKED}${THANKS_END}`,
        `(?:muchas |mil |muchísimas )?gracias(?: de nuevo| otra vez| nuevamente)? por (?:escribirnos|contactarnos|contactar con nosotros|ponerse en contacto|ponerte en contacto|comunicarse con nosotros|comunicarte con nosotros|elegirnos|confiar en nosotros|ser (?:paciente|cliente)|elegir(?! (?:el|la|los|las|un|una|este|esta) ))`,
        `(?:le |te |les )?(?:agradecemos|agradezco)(?: (?:mucho|sinceramente|de antemano|enormemente))? (?:su|tu|sus|tus|vuestra) ${THANKED}${THANKS_END}`,
        `gracias (?:de|por) antemano`,
      ].join('|'),
      suggestion: 'Thank them for something specific, or leave it out: "Gracias por la foto del mango."',
      example: 'Gracias por su paciencia.',
    },
    'stock-opener': {
      pattern: [
        `(?:estimad|apreciad|querid|distinguid)[oa]s?(?:/[oa]s?)? (?:cliente|clienta|clientes|usuari[oa]|miembro|soci[oa])(?: valorad[oa])?`,
        `muy (?:señor|señora|señores|sres\\.?|sr\\.?)(?: (?:mío|mía|míos|nuestro|nuestros))?`,
        `a quien corresponda`,
        `espero que (?:se encuentre|te encuentres|este (?:correo|mensaje) (?:le|te|lo|los) encuentre|esté(?:s)? bien|estén bien)`,
        `por medio de la presente`,
        `(?:nos|me) complace (?:informarle|informarte|comunicarle|comunicarte|anunciarle)`,
        `(?:lamentamos|lamento|sentimos) (?:informarle|informarte|comunicarle|comunicarte)`,
        `(?:le|les|te) (?:informamos|informo|comunicamos|comunico) que`,
        `(?:le|te) escribo para (?:informarle|informarte|comunicarle)`,
        `(?:estamos|estoy) (?:encantad[oa]s?|felices|content[oa]s?) de (?:atender|ayudarle|ayudarte|atenderle|atenderte|poder ayudar)`,
        `(?:será|es) un placer (?:ayudarle|ayudarte|atenderle|atenderte|asistirle)`,
        `con (?:mucho )?gusto (?:le|te) (?:ayudo|ayudamos|atiendo|atendemos)`,
        `en respuesta a su (?:consulta|correo|mensaje|solicitud)`,
      ].join('|'),
      suggestion: 'Start with their name and what they wrote about: "Hola, Lucía: sobre su sartén,"',
      example: 'Estimado cliente:',
    },
    'stock-closing': {
      pattern: [
        `(?:esperamos|espero|esperando)(?: que)? (?:haberle|haberte|haberles|haber) (?:ayudado|sido de ayuda|resuelto|aclarado)`,
        `(?:esperamos|espero|esperando) que (?:esta información|esto|la información|nuestra respuesta|este mensaje) (?:le|te|les) (?:sea|resulte|haya sido) (?:útil|de (?:ayuda|utilidad))`,
        `(?:esperamos|espero) que (?:esto|esta información) (?:le|te) (?:ayude|sirva)`,
        `que (?:tenga|tengas|tengan) (?:un|una) (?:buen|excelente|feliz|gran|bonito|estupendo|maravilloso|lindo|buena) (?:día|tarde|semana|fin de semana|jornada)${UNTIL_PUNCTUATION}`,
        `(?:su|tu) (?:satisfacci[óo]n|opini[óo]n|confianza|llamada|consulta) es (?:nuestra (?:prioridad|máxima prioridad|principal prioridad)|(?:muy |extremadamente |sumamente )?importante para nosotros)`,
        `(?:nuestra relaci[óo]n|su experiencia) es (?:muy |extremadamente |sumamente )?importante para nosotros`,
        `(?:agradecemos|valoramos) (?:su|tu) confianza`,
        `(?:quedamos|quedo) a la espera de (?:sus|tus|su|tu) (?:noticias|respuesta|comentarios)`,
        `esperamos (?:verle|verte|volver a verle|atenderle) (?:pronto|de nuevo)`,
        `(?:le|les) saluda(?:mos)? atentamente|(?:reciba|recibe|reciban) un cordial saludo|sin otro particular`,
        `adjunto (?:encontrará|le enviamos|le remitimos)`,
        `tenga (?:la )?(?:seguridad|por seguro) de que`,
        `(?:nos tomamos|me tomo) (?:${W} ){0,2}?muy en serio`,
        `(?:nos esforzamos|trabajamos) (?:cada día |siempre )?(?:por|para) (?:ofrecer|brindar|mejorar|dar)`,
      ].join('|'),
      suggestion: 'End with the next step: "La sartén nueva sale mañana; la tendrá el jueves."',
      example: 'Esperamos haberle ayudado.',
    },
    'ticket-receipt': {
      pattern: [
        `(?:hemos|he) recibido (?:correctamente |tu |su |vuestro |vuestra )*(?:email|e-?mail|correo(?: electrónico)?|mensaje|consulta|solicitud|petici[óo]n|reclamaci[óo]n|queja)`,
        `acus(?:o|amos) (?:de )?recibo`,
        `(?:su|tu) (?:solicitud|consulta|mensaje|correo|petici[óo]n|reclamaci[óo]n|caso|ticket) (?:ha sido|fue|está siendo|ha quedado) (?:correctamente )?(?:recibid[oa]|registrad[oa]|procesad[oa]|derivad[oa]|remitid[oa]|revisad[oa]|cread[oa])`,
        `(?:le|te|les|nos|me) (?:responderemos|responderé|contestaremos|pondremos en contacto|pondré en contacto|contactaremos|contactaré|escribiremos|atenderemos|enviaremos)(?: ${W}){0,5}? ${SOON}`,
        `(?:lo antes posible|a la mayor brevedad(?: posible)?|en breve),? (?:le|te|les|nos) (?:responderemos|enviaremos|contactaremos|pondremos|escribiremos)`,
        `a la mayor brevedad`,
        `(?:un|una|uno de nuestros|una de nuestras|nuestro|nuestra) (?:agentes?|asesor(?:es|a)?|representante|especialistas?|técnicos?|equipo|miembro (?:de|del) (?:nuestro )?equipo)(?: ${W}){0,3} se pondrá en contacto`,
        `(?:estamos|estoy) (?:procesando|revisando|gestionando|estudiando|tramitando) (?:su|tu) (?:solicitud|caso|consulta|petici[óo]n|reclamaci[óo]n)`,
        `(?:este|esto) es un (?:mensaje|correo|email|e-?mail) (?:automático|generado automáticamente)`,
        `(?:por favor,? )?no (?:responda|respondas|conteste|contestes) a este (?:mensaje|correo|email)`,
        `(?:su|tu) número de (?:ticket|caso|incidencia|referencia|solicitud) es`,
      ].join('|'),
      suggestion: 'Answer it now, or say when you will, with a day or an hour: "Le escribo el jueves antes de mediodía."',
      example: 'Hemos recibido su consulta y le responderemos lo antes posible.',
    },
    policy: {
      pattern: [
        `(?:es|son) (?:la |las |nuestra |nuestras )?pol[íi]ticas? de (?:la|nuestra) (?:empresa|compañía|casa|tienda)`,
        `(?:según|de acuerdo con|conforme a|acorde a|en virtud de) (?:nuestras?|nuestros?|las|los) (?:pol[íi]ticas?|condiciones(?: generales)?|términos|normas|normativas?)`,
        `(?:no podemos|no puedo|no es posible) (?:hacer|realizar) (?:una |ninguna )?excepci(?:ón|ones)`,
        `(?:consulte|consulta|revise|revisa|lea|lee) (?:nuestras|las|nuestra|la) (?:preguntas frecuentes|faq|condiciones|pol[íi]tica|web|página web)`,
        `la decisi[óo]n es (?:definitiva|final|firme)`,
      ].join('|'),
      suggestion: 'Give the reason behind the rule and what you can do within it: "Pasados 30 días no aceptamos devoluciones porque …; lo que sí puedo hacer: …"',
      example: 'Es política de la empresa.',
    },
    'closing-door': {
      pattern: [
        `(?:no podemos|no puedo|no se puede) hacer nada(?: más)?`,
        `no hay nada (?:más )?que (?:podamos|pueda) hacer`,
        `no es (?:mi|nuestro) (?:departamento|problema|área|asunto|culpa|responsabilidad)`,
        `(?:eso|esto) no depende de (?:nosotros|mí)`,
        `(?:está|queda) fuera de (?:nuestro|mi) (?:alcance|control)`,
        `el sistema no (?:me|nos) (?:deja|permite)`,
        `(?:tendrá|tendrás|deberá|deberás|tiene|tienes) que (?:contactar|llamar|dirigirse|dirigirte|comunicarse) (?:con|a) (?:otro departamento|el fabricante|la empresa de transporte|otra área)`,
        `no (?:le|te|les) (?:puedo|podemos) ayudar`,
      ].join('|'),
      suggestion: 'Say what you can do, or who can, and hand it over yourself: "Ya he escrito yo al fabricante."',
      example: 'No podemos hacer nada más.',
    },
    blame: {
      pattern: [
        `como (?:ya )?(?:le|te|les) (?:dije|indiqué|expliqué|comenté|comentamos|indicamos|explicamos|informamos|mencioné|mencionamos)`,
        `como (?:ya )?se (?:indicó|mencionó|explicó)`,
        `como (?:ya )?(?:indicamos|mencionamos|explicamos|dijimos) (?:anteriormente|antes|previamente)`,
        `(?:usted )?(?:debería|deberías|tendría|tendrías) (?:que )?haber`,
        `(?:usted |tú )?no (?:leyó|leíste|ha leído|has leído|siguió|seguiste) (?:las|los|bien)`,
        `(?:ha|has|han) (?:entendido|interpretado|leído) mal`,
        `(?:se ha|te has|se han) equivocado`,
        `(?:es|eres) (?:el|la) (?:primer|primera|únic[oa]) (?:cliente|persona)`,
      ].join('|'),
      suggestion: 'Leave out whose fault it was; say what happens next: "Le reenvío las instrucciones, con una foto."',
      example: 'Como ya le indiqué, …',
    },
    'how-to-feel': {
      pattern: [
        `cálmese|calmese|cálmate|calmate|tranquilícese|tranquilícese|tranquilízate|relájese|relájate`,
        `no se (?:enoje|enfade|altere|ponga así)|no te (?:enojes|enfades|alteres|pongas así)`,
        `no hay (?:por qué|motivo para|razón para) (?:enfadarse|enojarse|alterarse|preocuparse)`,
        `(?:sea|sé) paciente|mantenga la calma`,
        `(?:no hay|ningún) problema${UNTIL_PUNCTUATION}`,
      ].join('|'),
      suggestion: 'Name what happened to them; let them feel what they feel: "Dos paquetes perdidos seguidos: es para enfadarse."',
      example: 'Cálmese, por favor.',
    },
  },
};
