"""The Spanish letter rules: the same kinds of hurt as the English ones, in Spanish phrasing.

Plain data (key, kind, pattern, why, suggestion) that ``matching.case.letters`` compiles; the
patterns are written without accents because the review folds accents before matching
("estas muerta para mi" and "estás muerta para mí" are the same to it). The reason is in
English, for whoever reads the review; the suggested rewrite is in Spanish, for the writer.
Where the phrases come from: docs/readiness.md, "Where the word lists come from".
"""

from __future__ import annotations

from typing import Final

from matching.case.letter_words import INSULTS_ES

# "eres", "estas", "te has vuelto", "te volviste", "sigues siendo": what follows is a verdict.
YOU_ARE_ES: Final = (
    r"\b(?:(?:tu|usted) )?(?:eres|estas|te has vuelto|te volviste|te estas volviendo"
    r"|te has convertido en|te convertiste en"
    r"|sigues siendo|has sido|fuiste|eras)\b"
)
_DAYS = r"(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)"
_MONTHS = (
    r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre"
    r"|noviembre|diciembre)"
)
_FAMILY = (
    r"(?:hijo|hija|hermano|hermana|padre|madre|esposo|esposa|marido|mujer|nieto|nieta|familia)"
)
# "Siempre tendras un lugar aqui": the future is a promise, not a reproach.
_FUTURES = (
    r"(?:tendras|podras|seras|estaras|haras|sabras|vendras|saldras|querras|diras|contaras"
    r"|encontraras|tendremos)\b"
)
_KIDS = r"(?:a )?(?:tus|los|mis|nuestros) (?:hijos|ni[nñ]os|nietos|hijas)|a tu (?:hijo|hija|bebe)"

RULES_ES: Final[tuple[tuple[str, str, str, str, str], ...]] = (
    (
        "siempre_es",
        "absolute",
        r"\b(?:tu )?(?:siempre|cada vez que) (?:me |nos |te |le |lo |la )?"
        r"(?!has sido|eres|puedes|te |" + _FUTURES + r")\w+(?:as|es)\b",
        '"Always" ("siempre") invites an argument about the exceptions.',
        'Nombra una vez: "El <día>, cuando tú ..., yo sentí ..."',
    ),
    (
        "nunca_es",
        "absolute",
        r"\b(?:tu )?(?:nunca|jamas) (?:me |nos |te |le |lo |la )?"
        r"(?!estas sol[oa]s?\b|"
        + _FUTURES
        + r"|(?:olvides|dudes|dejes|pierdas|pienses|creas|sientas|temas"
        r"|es tarde)\b)\w+(?:as|es)\b",
        '"Never" ("nunca") invites an argument about the exceptions.',
        'Di lo que extrañas: "Extraño los días en que nosotros ..."',
    ),
    (
        "culpa_es",
        "blame",
        r"\b(?:(?:es|fue|todo es|todo fue|esto es) )?(?:por )?(?:tu culpa|culpa tuya)\b"
        r"|\b(?:todo|esto) (?:es|fue|pasa) por ti\b|\btu (?:hiciste|causaste) esto\b",
        "Blame makes the listener defend instead of hear.",
        'Di cómo te afectó: "Cuando pasó ..., me sentí asustada y sola."',
    ),
    (
        "me_haces_es",
        "blame",
        r"\bme (?:haces|hiciste|has hecho|obligas a|obligaste a) (?:llorar|sufrir|sentir|"
        r"perder|odiar|enfermar|gritar|mentir)\w*\b",
        "It puts your feelings on them as a charge.",
        'Habla de lo que sientes: "Yo me sentí ... cuando ..."',
    ),
    (
        "arruinaste_es",
        "blame",
        r"\b(?:(?:me|nos|le|les) )?(?:has|ha) (?:arruinado|destruido|destrozado|jodido)\b"
        r"|\b(?:(?:me|nos|le|les) )?(?:arruinaste|destruiste|destrozaste|jodiste)\b"
        r"|\b(?:me|nos) (?:estas|esta) (?:matando|destruyendo|arruinando)\b",
        "A verdict on them, not a description of what happened.",
        'Describe el momento: "El <día>, ... y me dolió mucho."',
    ),
    (
        "deberias_es",
        "blame",
        r"\b(?:no )?(?:deberias|debiste) (?:haber|haberlo|haberte)\b",
        "Judging the past invites excuses.",
        'Di lo que esperas ahora: "Espero que hoy aceptes la ayuda."',
    ),
    (
        "por_que_no_es",
        "blame",
        r"\bpor que no (?:puedes|quieres) (?:simplemente )?\w+|\bsimplemente (?:deja|dejalo|para)\b"
        r"|\bsi de verdad (?:me|nos|les|la|lo) (?:quisieras|amaras|importara)\b"
        r"|\belegiste (?:las drogas|la droga|drogarte|la heroina|esto)\b"
        r"|\bsolo piensas en ti\b|\bsolo te importas tu\b"
        r"|\bpor (?:tu|tus) (?:adiccion|vicio|vicios|drogas|borracheras)\b"
        r"|\b(?:todo lo que tocas|lo) (?:destruyes|arruinas)\b"
        r"|\b(?:destruyes|arruinas|echas a perder) todo\b",
        "It treats addiction as a choice they could simply stop making, and asks them to defend.",
        'Di lo que deseas: "Quiero que recibas la ayuda que hace posible dejarlo."',
    ),
    (
        "rechazo_es",
        "rejection",
        r"\b(?:estas|eres|estaras) muert[oa]s? para (?:mi|nosotros|esta familia)\b"
        r"|\bpara (?:mi|nosotros) (?:estas|estaras) muert[oa]\b"
        r"|\bya no eres (?:mi|nuestr[oa]) " + _FAMILY + r"\b"
        r"|\bno eres (?:mi|nuestr[oa]) " + _FAMILY + r"\b"
        r"|\bno (?:quiero|queremos) (?:saber nada de ti|volver a verte|verte (?:nunca )?mas)\b"
        r"|\bno (?:vuelvas|regreses) (?:nunca|jamas|a (?:casa|esta casa|buscarme|llamarme)|mas)\b"
        r"|\bno (?:eres|seras) bienvenid[oa]\b|\bnadie te (?:quiere|soporta|aguanta|cree)\b"
        r"|\bte (?:desheredo|desheredamos|desheredare)\b|\b(?:me|nos) (?:rindo|rendimos) contigo\b"
        r"|\b(?:me|nos) lavo las manos\b|\b(?:me|nos) lavamos las manos\b"
        r"|\bsal(?:te)? de (?:mi|nuestra) (?:vida|casa)\b|\bfuera de (?:mi|nuestra) (?:vida|casa)\b"
        r"|\bojala (?:nunca hubieras nacido|no fueras mi|no te hubiera tenido)\b"
        r"|\b(?:nunca|jamas) te (?:perdonare|perdonaremos|volvere a creer)\b"
        r"|\bno te (?:perdonare|perdonaremos) (?:nunca|jamas)\b"
        r"|\bya no cuentes con(?:migo| nosotros)\b|\bterminamos contigo\b"
        r"|\bse acabo\b(?!\s+(?:el|la|los|las|mi|su|tu)\b)"
        r"|\b(?:he|hemos) terminado contigo\b|\bcaso perdido\b"
        r"|\bme averguenzo de ser tu\b|\bya no (?:se|sabemos) quien eres\b"
        r"|\bno te molestes en (?:volver|regresar|llamar|venir|buscarnos|buscarme)\b"
        r"|\bno (?:te )?mereces (?:a tus|a tu|a esta|a nosotros|nuestro|nuestra|mi|el amor)\b",
        "Rejection closes the door you want them to walk through today.",
        'Deja la puerta abierta: "Si dices que no hoy, yo ... y te seguiré queriendo."',
    ),
    (
        "desprecio_es",
        "contempt",
        r"\b(?:me|nos) das asco\b|\bdas asco\b|\b(?:estoy|estamos) (?:hart[oa]s?|cansad[oa]s?)"
        r" de (?:ti|tus|verte|tu)\b|\bno te (?:soporto|soportamos|aguanto|aguantamos)\b"
        r"|\bmirate\b|\bque (?:chiste|desperdicio|desastre)\b"
        r"|\b(?:no sirves|no vales) (?:para|nada)\b|\bnunca (?:vas a cambiar|cambiaras|vas a ser"
        r" nada|seras nada|llegaras a nada|vas a llegar a nada)\b"
        r"|\b(?:madura|crece) de una vez\b|\bponte las pilas\b"
        r"|\btus (?:mentiras|excusas|estupideces|tonterias|porquerias|dramas)\b"
        r"|\bdesperdicio de (?:vida|espacio|tiempo)\b|\bno tienes (?:verguenza|corazon|respeto)\b"
        r"|\bno (?:te )?reconozco\b|\bcomo te atreves\b"
        r"|\b(?:callate|largate)\b|\b(?:me|nos) (?:das|dais) (?:pena|lastima)\b"
        r"|\bque asco\b|\basco (?:me|nos) (?:da|das|dan)\b|\bno tienes (?:remedio|arreglo)\b"
        r"|\bno como tu\b|\bigual(?:ito|ita)? (?:a|que) tu (?:padre|madre|tio|tia)\b"
        r"|\bhacerte (?:la|el) victima\b|\blo unico que sabes\b"
        r"|\b(?:me|nos) (?:canse|cansamos|tienes cansad[oa]s?) (?:de ti|de tus|de tu|con tus)\b",
        "Contempt tells them they are worthless; people who feel worthless keep using.",
        'Describe lo que viste y sentiste: "Cuando vi ..., se me rompió el corazón."',
    ),
    (
        "verguenza_es",
        "shame",
        r"\b(?:me|nos) (?:das|dan|da) verguenza\b|\bdeberia(?:s)? darte verguenza\b"
        r"|\bque verguenza\b|\bverguenza (?:deberia|te deberia) dar\b"
        r"|\bcomo (?:pudiste|puedes|has podido)\b"
        r"|\bque (?:va|van) a (?:decir|pensar) (?:la gente|los vecinos|todos|la familia)\b"
        r"|\bque dira la gente\b|(?<!lo )\bque te pasa\b"
        r"|\b(?:me|nos) (?:has avergonzado|avergonzaste|averguenzas|humillaste"
        r"|has humillado|deshonraste|has deshonrado)\b"
        r"|\b(?:me|nos) (?:averguenzo|avergonzamos) de ti\b|\bla verguenza de\b"
        r"|\btodos (?:lo saben|hablan de ti)\b|\bdeshonra\b"
        r"|\b(?:me|nos) averguenza (?:decir|que|ser|verte|tenerte)\b"
        r"|\bavergonzad[oa]s? de ti\b",
        "Shame makes people hide; hiding is how addiction survives.",
        'Di lo que pasó y lo que esperas: "El <día> ... Quiero que sanemos juntos."',
    ),
    (
        "amenaza_es",
        "threat",
        r"\bo si no\b|\bultima oportunidad\b|\bte (?:vas a arrepentir|arrepentiras)\b"
        r"|\b(?:te juro|lo juro)\b|\bte (?:echo|echare|voy a echar|vamos a echar|echamos)"
        r" (?:de (?:la|esta|mi) casa|a la calle)\b|\bte quedaras en la calle\b"
        r"|\b(?:nunca|jamas) (?:mas )?(?:volveras a ver|vas a volver a ver|veras) " + _KIDS + r"\b"
        r"|\b(?:llamare|voy a llamar|llamaremos) a la (?:policia|patrulla)\b"
        r"|\b(?:vas a|acabaras|terminaras) (?:terminar |acabar )?(?:muert[oa]|en la carcel|"
        r"en la calle|sol[oa]|en el cementerio)\b",
        "A threat said in anger sounds like punishment, and people dig in against punishment.",
        'Di con calma lo que harás: "Si rechazas la ayuda hoy, yo ya no ..."',
    ),
    (
        "hostilidad_es",
        "rejection",
        r"\bte (?:odio|odiamos|detesto|desprecio)\b|\b(?:ya )?no (?:me|nos) importas\b"
        r"|\bya no (?:me|nos) importa\b"
        r"|\bno (?:me|nos) importa (?:lo que (?:te pase|hagas)|si (?:te mueres|vives))\b"
        r"|\bte lo (?:mereces|merecias|buscaste|has buscado)\b"
        r"|\bes tu problema\b|\balla tu\b|\b(?:me|nos) (?:estas )?(?:rompiendo|rompes|rompiste)"
        r" el corazon\b|\b(?:estas|has) (?:tirando|tirado) (?:tu vida|todo)\b"
        r"|\b(?:no|ya no) (?:soy|somos) tu (?:banco|cajero|sirvienta|criada|esclav[oa])\b"
        r"|\bharto de limpiar\b|\bharta de limpiar\b",
        "Hostility or coldness is heard as rejection, and rejection makes refusing easier.",
        'Di el dolor que hay debajo: "Te extraño y tengo miedo de perderte."',
    ),
    (
        "juicio_es",
        "contempt",
        r"\b(?:eres|tu eres) (?:la|el) (?:razon|causa|problema|culpable)\b"
        r"|\bte importa(?:n)? mas (?:las drogas|la droga|drogarte)\b"
        r"|\bte (?:portas|comportas) como (?:un|una)"
        r" (?:ni[nñ][oa]|bebe|animal|adolescente|criatura)\b"
        r"|\b(?:he|hemos) (?:desperdiciado|perdido) (?:mi|nuestra) (?:vida|tiempo|dinero) contigo\b"
        r"|\b(?:tu )?(?:mientes|robas|manipulas|enga[nñ]as)"
        r"(?:,? (?:y )?(?:tu )?(?:mientes|robas|manipulas|enga[nñ]as))*"
        r"\b(?! (?:cuando|porque))",
        "A judgement of their character starts an argument instead of a conversation.",
        'Describe un momento y lo que sentiste: "El <día>, cuando tú ..., yo sentí ..."',
    ),
    (
        "enojo_es",
        "rejection",
        r"\b(?:estoy|estamos) (?:furios[oa]s?|enojad[oa]s?|enfadad[oa]s?|rabios[oa]s?) contigo\b"
        r"|\b(?:me|nos) arrepiento de (?:haberte|ayudarte|confiar|creerte|tenerte)\b"
        r"|\bhaz lo que quieras\b|\bmuerete\b|\bvete al (?:diablo|infierno|carajo)\b",
        "Anger aimed at them is heard as rejection, and rejection makes refusing easier.",
        'Di el miedo que hay bajo el enojo: "Tengo miedo de perderte."',
    ),
    (
        "ultimatum_es",
        "threat",
        r"\bo (?:vas|te vas|aceptas|te internas)\b[^.!?]*\bo\b|\b(?:es|sera) la ultima vez\b"
        r"|\b(?:vas a|lo vas a) perder(?:lo)? todo\b|\bperderas (?:todo|a tus \w+|a tu familia)\b"
        r"|\bo nos pierdes\b|\bo me pierdes\b",
        "An ultimatum or a prophecy of loss sounds like punishment, not a plan.",
        'Di con calma lo que harás: "Si rechazas la ayuda hoy, yo ..."',
    ),
    (
        "insulto_es",
        "insult",
        r"\b(?:" + "|".join(sorted(INSULTS_ES, key=len, reverse=True)) + r")\b",
        "A label shames; shame keeps people using.",
        'Habla de la enfermedad y de la persona: "Sé que esto no es quien eres."',
    ),
)

# A specific instance: a day, a date, an occasion or "recuerdo cuando".
SPECIFIC_ES: Final = (
    r"\b(?:el (?:pasado )?" + _DAYS + r"|" + _DAYS + r" pasado"
    r"|(?:la semana|el mes|el ano|el año|el verano|el invierno|la primavera|el otono|el otoño"
    r"|la navidad|la nochebuena|el domingo) pasad[oa]|ayer|anoche|antier|anteayer"
    r"|en " + _MONTHS + r"|\d{1,2} de " + _MONTHS + r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|en (?:19|20)\d{2}|recuerdo (?:cuando|el dia|la noche|la vez|que)"
    r"|(?:el dia|la noche|la vez|la ma[nñ]ana|la tarde) (?:en )?que"
    r"|cumpleanos|cumpleaños|boda|graduacion|funeral|navidad|nochebuena|quinceanera|quinceañera"
    r"|bautizo|dia de accion de gracias|a las \d{1,2})"
)
LOVE_ES: Final = (
    r"\b(?:te quiero|te queremos|te amo|te amamos|amor|cariño|carino|me importas|nos importas"
    r"|preocupad[oa]s?|me preocupa|nos preocupa|miedo por ti|tengo miedo|tenemos miedo"
    r"|orgullos[oa]s?|te extraño|te extrano|te extrañamos|te extranamos|te echo de menos"
    r"|estoy aqui para ti|estamos aqui para ti|estoy contigo|estamos contigo|creo en ti"
    r"|creemos en ti|significas)\b"
)

MISSING_INSTANCE_ES: Final = (
    "Add one specific instance — a day, a date or an occasion "
    '("La Navidad pasada, tú ...") — so it is about what happened, not who they are.'
)
MISSING_LOVE_ES: Final = (
    'Say your love or concern in plain words ("Te quiero y tengo miedo por ti").'
)

# What each rule looks for, in plain words for the reader.
LOOKS_FOR_ES: Final[dict[str, str]] = {
    "siempre_es": '"siempre mientes", "cada vez que llegas"',
    "nunca_es": '"nunca llamas", "nunca me escuchas"',
    "culpa_es": '"es tu culpa", "todo es por ti", "tu hiciste esto"',
    "me_haces_es": '"me haces llorar", "me hiciste sufrir"',
    "arruinaste_es": '"nos has arruinado", "destruiste", "me estas matando"',
    "deberias_es": '"deberias haber", "no debiste haber"',
    "por_que_no_es": '"por que no puedes dejarlo", "si de verdad me quisieras", '
    '"elegiste las drogas"',
    "rechazo_es": '"estas muerta para mi", "ya no eres mi hijo", "no vuelvas nunca", '
    '"nadie te quiere", "me rindo contigo"',
    "desprecio_es": '"me das asco", "estoy harta de ti", "mirate", "no sirves para nada", '
    '"nunca vas a cambiar"',
    "verguenza_es": '"me das verguenza", "como pudiste", "que va a decir la gente"',
    "amenaza_es": '"o si no", "ultima oportunidad", "te vas a arrepentir", '
    '"te echo de la casa", "vas a terminar muerto"',
    "hostilidad_es": '"te odio", "ya no me importas", "te lo buscaste"',
    "juicio_es": '"eres el problema", "te portas como un nino", "mientes, robas"',
    "enojo_es": '"estoy furiosa contigo", "me arrepiento de ayudarte", "haz lo que quieras"',
    "ultimatum_es": '"o vas o te vas", "es la ultima vez", "lo vas a perder todo"',
    "insulto_es": "labels such as "
    + ", ".join(f'"{w}"' for w in ("drogadicta", "yonqui", "mentiroso", "egoista", "inutil")),
}
