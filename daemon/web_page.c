/*
 * What every web page shares: the texts of both languages in one table,
 * the frame around a page, the stylesheet, and the answer with the
 * headers every page carries.  Dutch is the default; plain language (B1)
 * in both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "hersteld/conf.h"
#include "hersteld/web.h"
#include "hersteld/when.h"

/* [text][0] Dutch, [text][1] English. */
static const char *const texts[T_COUNT][2] = {
	[T_SITE] = { "Bijeenkomsten voor herstel", "Sessions for recovery" },
	[T_SKIP] = { "Naar de inhoud", "Skip to the content" },
	[T_SWITCH] = { "English", "Nederlands" },
	[T_SWITCH_LANG] = { "en", "nl" },
	[T_AGENDA] = { "Agenda", "Agenda" },
	[T_AGENDA_INTRO] = { "Alle openbare bijeenkomsten van de komende "
	    "weken. Kies een bijeenkomst om meer te lezen of je aan te melden.",
	    "All public sessions of the coming weeks. Choose a session to "
	    "read more or to register." },
	[T_FILTERS] = { "Kiezen wat je ziet", "Choose what you see" },
	[T_KIND] = { "Soort", "Kind" },
	[T_GROUP] = { "Groep", "Group" },
	[T_LOCATION] = { "Plek", "Place" },
	[T_ALL] = { "Alles", "All" },
	[T_SUBSCRIBE] = { "In je eigen agenda", "In your own calendar" },
	[T_SUBSCRIBE_INTRO] = { "Abonneer je agenda-app op deze bijeenkomsten. "
	    "Veranderingen zie je dan vanzelf.", "Subscribe your calendar app "
	    "to these sessions. You will then see changes by themselves." },
	[T_ALL_PUBLIC] = { "Alle bijeenkomsten", "All sessions" },
	[T_NONE_FOUND] = { "Er zijn geen bijeenkomsten gevonden.",
	    "No sessions were found." },
	[T_CANCELLED] = { "Afgelast", "Cancelled" },
	[T_MOVED] = { "Verplaatst", "Moved" },
	[T_ALL_DAY] = { "hele dag", "all day" },
	[T_FULL] = { "vol \xe2\x80\x94 wachtlijst", "full \xe2\x80\x94 "
	    "waiting list" },
	[T_PLACES_LEFT] = { "plaatsen vrij", "places left" },
	[T_ONE_PLACE_LEFT] = { "plaats vrij", "place left" },
	[T_ACCESSIBLE] = { "rolstoeltoegankelijk", "wheelchair accessible" },
	[T_MORE] = { "Meer over", "More about" },
	[T_ORGANISED_BY] = { "Georganiseerd door", "Organised by" },
	[T_WITH] = { "Samen met", "Together with" },
	[T_TOPICS] = { "Onderwerpen", "Topics" },
	[T_WHERE] = { "Waar", "Where" },
	[T_WHEN] = { "Wanneer", "When" },
	[T_MAP] = { "Bekijk op de kaart (OpenStreetMap)",
	    "See it on the map (OpenStreetMap)" },
	[T_ADD_CALENDAR] = { "Zet in mijn agenda", "Add to my calendar" },
	[T_DATES] = { "De komende data", "The coming dates" },
	[T_REGISTER] = { "Aanmelden", "Register" },
	[T_REGISTER_INTRO] = { "Vul je e-mailadres in. Je krijgt dan een "
	    "e-mail met een link. Met die link bevestig je je aanmelding.",
	    "Fill in your email address. You will get an email with a link. "
	    "With that link you confirm your registration." },
	[T_EMAIL] = { "E-mailadres", "Email address" },
	[T_EMAIL_HINT] = { "Bijvoorbeeld naam@voorbeeld.nl",
	    "For example name@example.org" },
	[T_NAME] = { "Naam (mag je leeg laten)", "Name (you may leave it "
	    "empty)" },
	[T_NAME_HINT] = { "Zo spreken we je aan in de e-mail.",
	    "This is how we address you in the email." },
	[T_LANGUAGE] = { "Taal van de e-mails", "Language of the emails" },
	[T_DUTCH] = { "Nederlands", "Dutch" },
	[T_ENGLISH] = { "Engels", "English" },
	[T_WHICH] = { "Voor welke bijeenkomst?", "For which session?" },
	[T_WHOLE_SERIES] = { "Alle bijeenkomsten van de reeks",
	    "Every session of the series" },
	[T_HONEYPOT] = { "Laat dit veld leeg", "Leave this field empty" },
	[T_SEND] = { "Aanmelden", "Register" },
	[T_CLOSED] = { "Aanmelden kan niet (meer) voor deze bijeenkomst.",
	    "Registration is not (or no longer) possible for this session." },
	[T_CHECK_MAIL] = { "Kijk in je e-mail", "Check your email" },
	[T_CHECK_MAIL_TEXT] = { "Als het adres klopt, krijg je binnen een paar "
	    "minuten een e-mail met een link. Open de link en klik op de knop "
	    "om je aanmelding te bevestigen. Zie je niets? Kijk dan ook bij "
	    "ongewenste e-mail (spam).", "If the address is right, you will "
	    "get an email with a link within a few minutes. Open the link and "
	    "press the button to confirm your registration. Nothing there? "
	    "Then also look in your junk mail (spam)." },
	[T_CHECK_MAIL_HOURS] = { "De link werkt een beperkte tijd. Zonder "
	    "bevestiging word je niet aangemeld.", "The link works for a "
	    "limited time. Without a confirmation you are not registered." },
	[T_BACK] = { "Terug naar de agenda", "Back to the agenda" },
	[T_CONFIRM] = { "Aanmelding bevestigen", "Confirm registration" },
	[T_CONFIRM_TEXT] = { "Klik op de knop om je aanmelding voor deze "
	    "bijeenkomst te bevestigen:", "Press the button to confirm your "
	    "registration for this session:" },
	[T_CONFIRM_BUTTON] = { "Aanmelding bevestigen", "Confirm registration" },
	[T_REGISTERED] = { "Je bent aangemeld", "You are registered" },
	[T_REGISTERED_TEXT] = { "Je krijgt een e-mail met de gegevens, en "
	    "herinneringen op de tijden die je koos.", "You will get an email "
	    "with the details, and reminders at the times you chose." },
	[T_WAITLISTED] = { "Je staat op de wachtlijst", "You are on the "
	    "waiting list" },
	[T_WAITLISTED_TEXT] = { "De bijeenkomst is vol. Komt er een plaats "
	    "vrij, dan krijg je die vanzelf en sturen we je een e-mail.",
	    "The session is full. When a place frees up, it is yours by "
	    "itself and we send you an email." },
	[T_ALREADY] = { "Je was al aangemeld", "You were already registered" },
	[T_ALREADY_TEXT] = { "Er is niets veranderd.", "Nothing changed." },
	[T_REFUSED] = { "Aanmelden lukt niet", "Registration is not possible" },
	[T_REFUSED_TEXT] = { "Deze bijeenkomst neemt geen aanmeldingen (meer) "
	    "aan, bijvoorbeeld omdat ze is afgelast of al begonnen.",
	    "This session takes no (more) registrations, for example because "
	    "it was cancelled or has begun." },
	[T_LINK_USED] = { "Deze link is al gebruikt. Je aanmelding is "
	    "bevestigd; er verandert niets meer.", "This link has been used. "
	    "Your registration was confirmed; nothing changes any more." },
	[T_LINK_EXPIRED] = { "Deze link werkt niet meer: hij is verlopen. "
	    "Meld je opnieuw aan via de agenda.", "This link no longer works: "
	    "it has expired. Register again from the agenda." },
	[T_LINK_UNKNOWN] = { "Deze link is niet (meer) geldig. Meld je opnieuw "
	    "aan via de agenda.", "This link is not (or no longer) valid. "
	    "Register again from the agenda." },
	[T_LINK_AGAIN] = { "Link werkt niet", "Link does not work" },
	[T_NOT_FOUND] = { "Niet gevonden", "Not found" },
	[T_NOT_FOUND_TEXT] = { "Deze pagina bestaat niet (meer).",
	    "This page does not exist (any more)." },
	[T_FORBIDDEN] = { "Formulier niet geaccepteerd", "Form not accepted" },
	[T_FORBIDDEN_TEXT] = { "Het formulier is verlopen of niet van deze "
	    "website. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
	    "The form has expired or does not come from this website. Go back, "
	    "reload the page and try again." },
	[T_TOO_MANY] = { "Even wachten", "Please wait" },
	[T_TOO_MANY_TEXT] = { "Er zijn te veel formulieren verstuurd. Probeer "
	    "het over een minuut opnieuw.", "Too many forms were sent. Try "
	    "again in a minute." },
	[T_TOO_LARGE] = { "Wat je invulde is te lang.", "What you filled in "
	    "is too long." },
	[T_BAD_INPUT] = { "Controleer wat je invulde", "Check what you filled "
	    "in" },
	[T_ERROR] = { "Er ging iets mis", "Something went wrong" },
	[T_ERROR_TEXT] = { "Probeer het later opnieuw.", "Please try again "
	    "later." },
	[T_FEED] = { "Agenda-abonnement", "Calendar subscription" },
	[T_FOOTER] = { "We bewaren alleen wat nodig is: je e-mailadres, je naam "
	    "als je die geeft, en je aanmeldingen. Geen cookies.",
	    "We keep only what is needed: your email address, your name if you "
	    "give it, and your registrations. No cookies." },
	[T_WHOLE_SERIES_OF] = { "alle bijeenkomsten van de reeks",
	    "every session of the series" },
	[T_ONE_DATE] = { "alleen", "only" },
	[T_ME] = { "Jouw pagina", "Your page" },
	[T_ME_INTRO] = { "Hier regel je zelf je aanmeldingen en je gegevens. "
	    "Deel deze link met niemand.", "Here you manage your registrations "
	    "and your data yourself. Share this link with nobody." },
	[T_ME_SESSIONS] = { "Je bijeenkomsten", "Your sessions" },
	[T_ME_NONE] = { "Je bent nu niet aangemeld voor een bijeenkomst.",
	    "You are not registered for a session now." },
	[T_ME_GONE_TEXT] = { "Deze link werkt niet (meer). Vraag een nieuwe "
	    "link aan met je e-mailadres.", "This link does not work (any "
	    "more). Ask for a new link with your email address." },
	[T_UNREGISTER] = { "Afmelden", "Cancel" },
	[T_UNREGISTER_SERIES] = { "Afmelden voor de hele reeks",
	    "Cancel the whole series" },
	[T_ON_WAITLIST] = { "op de wachtlijst", "on the waiting list" },
	[T_UNREGISTERED] = { "Je bent afgemeld", "Your registration is "
	    "cancelled" },
	[T_UNREGISTERED_TEXT] = { "Staat er iemand op de wachtlijst, dan "
	    "krijgt die je plaats.", "If someone is on the waiting list, they "
	    "get your place." },
	[T_SETTINGS] = { "Herinneringen en taal", "Reminders and language" },
	[T_REMIND] = { "Herinneringen: hoe lang van tevoren",
	    "Reminders: how long before" },
	[T_REMIND_HINT] = { "Bijvoorbeeld 7d,1d (dagen) of 2h (uren). "
	    "Schrijf none als je geen herinneringen wilt.", "For example 7d,1d "
	    "(days) or 2h (hours). Write none if you want no reminders." },
	[T_QUIET] = { "Rustige uren: dan sturen we geen e-mail",
	    "Quiet hours: we send no email then" },
	[T_QUIET_HINT] = { "Bijvoorbeeld 21:00-08:00. Schrijf none als je geen "
	    "rustige uren wilt.", "For example 21:00-08:00. Write none if you "
	    "want no quiet hours." },
	[T_SAVE] = { "Opslaan", "Save" },
	[T_SAVED] = { "Opgeslagen", "Saved" },
	[T_SAVED_TEXT] = { "Je herinneringen volgen de nieuwe tijden.",
	    "Your reminders follow the new times." },
	[T_ME_FEED_INTRO] = { "Abonneer je agenda-app op je eigen "
	    "bijeenkomsten. Deel deze link met niemand.", "Subscribe your "
	    "calendar app to your own sessions. Share this link with nobody." },
	[T_NO_MAIL] = { "Geen e-mail meer", "No more email" },
	[T_NO_MAIL_TEXT] = { "Je krijgt dan geen bevestigingen en herinneringen "
	    "meer. Je aanmeldingen blijven staan.", "You then get no "
	    "confirmations or reminders any more. Your registrations stay." },
	[T_NO_MAIL_IS] = { "Je krijgt nu geen e-mail van ons.",
	    "You get no email from us now." },
	[T_MAIL_AGAIN] = { "Toch weer e-mail krijgen", "Get email again" },
	[T_NO_MAIL_DONE] = { "Je krijgt geen e-mail meer",
	    "You get no more email" },
	[T_NO_MAIL_DONE_TEXT] = { "Op je eigen pagina kun je dit weer "
	    "veranderen.", "You can change this again on your own page." },
	[T_MAIL_AGAIN_DONE] = { "Je krijgt weer e-mail",
	    "You get email again" },
	[T_FORGET] = { "Vergeet mij", "Forget me" },
	[T_FORGET_TEXT] = { "We wissen je e-mailadres, je naam, je aanmeldingen "
	    "en alle e-mails aan jou. Je plaatsen gaan naar wie op de wachtlijst "
	    "staat. Dit kun je niet ongedaan maken.", "We erase your email "
	    "address, your name, your registrations and every email to you. "
	    "Your places go to whoever is on the waiting list. This cannot be "
	    "undone." },
	[T_FORGET_ASK] = { "Mijn gegevens wissen", "Erase my data" },
	[T_FORGET_BUTTON] = { "Ja, wis al mijn gegevens",
	    "Yes, erase all my data" },
	[T_FORGOTTEN] = { "Je gegevens zijn gewist", "Your data is erased" },
	[T_FORGOTTEN_TEXT] = { "We weten niets meer van je. Deze link werkt "
	    "niet meer.", "We know nothing of you any more. This link no "
	    "longer works." },
	[T_BACK_ME] = { "Terug naar je pagina", "Back to your page" },
	[T_LINK] = { "Nieuwe persoonlijke link", "New personal link" },
	[T_LINK_INTRO] = { "Ben je de link naar je eigen pagina kwijt? Vul je "
	    "e-mailadres in. Je krijgt dan een nieuwe link. De oude link werkt "
	    "daarna niet meer.", "Lost the link to your own page? Fill in your "
	    "email address. You will get a new link. The old link then no "
	    "longer works." },
	[T_LINK_BUTTON] = { "Stuur mij een nieuwe link", "Send me a new link" },
	[T_LINK_SENT_TEXT] = { "Als we dit adres kennen, hebben we je een "
	    "nieuwe link gestuurd. Zie je niets? Kijk dan ook bij ongewenste "
	    "e-mail (spam).", "If we know this address, we sent you a new "
	    "link. Nothing there? Then also look in your junk mail (spam)." },
	[T_LINK_LOST] = { "Link kwijt?", "Lost your link?" },
	[T_NAV] = { "Hoofdmenu", "Main menu" },
	[T_SIGNALS] = { "Wat loop je tegenaan?", "What are you running into?" },
	[T_SIGNALS_INTRO] = { "Loop je vast bij de UHT, het Buurtteam, de "
	    "gemeente of met geld? Vertel het hier. De steungroepen en de "
	    "gemeente bespreken wat binnenkomt en geven het door. We bewaren "
	    "alleen wat je schrijft en waar het over gaat: geen naam, geen "
	    "e-mailadres, geen IP-adres. Schrijf daarom ook geen namen of "
	    "andere dingen op waaraan iemand je kan herkennen.",
	    "Stuck with UHT, the Buurtteam, the municipality or with money? "
	    "Tell us here. The support groups and the municipality discuss "
	    "what comes in and pass it on. We keep only what you write and "
	    "what it is about: no name, no email address, no IP address. So "
	    "please do not write names or other things by which someone "
	    "could recognise you." },
	[T_SIGNAL_ABOUT] = { "Waar gaat het over?", "What is it about?" },
	[T_SIGNAL_TEXT] = { "Wat loop je tegenaan?", "What are you running "
	    "into?" },
	[T_SIGNAL_HINT] = { "Hoogstens 2000 tekens.", "At most 2000 "
	    "characters." },
	[T_SIGNAL_THANKS] = { "Dank je wel", "Thank you" },
	[T_SIGNAL_THANKS_TEXT] = { "Je signaal is opgeslagen, zonder je naam "
	    "of adres. Als het is afgehandeld, zie je op de pagina met "
	    "signalen wat ermee is gedaan.", "Your signal is stored, without "
	    "your name or address. Once it has been dealt with, the page of "
	    "signals shows what was done." },
	[T_SIGNALS_DONE] = { "Wat er met jullie signalen gebeurde", "What was "
	    "done with your signals" },
	[T_SIGNALS_DONE_INTRO] = { "Signalen die zijn afgehandeld, de nieuwste "
	    "eerst. We tonen wat er is gedaan, niet wat iemand schreef.",
	    "Signals that were dealt with, newest first. We show what was "
	    "done, not what someone wrote." },
	[T_SIGNALS_DONE_NONE] = { "Er zijn nog geen afgehandelde signalen.",
	    "No signals have been dealt with yet." },
	[T_SIGNAL_RAISED] = { "gemeld", "raised" },
	[T_SIGNAL_CLOSED] = { "afgehandeld", "dealt with" },
	[T_ERRORS] = { "Controleer het formulier", "Please check the form" },
	[T_ERR_SIGNAL_EMPTY] = { "Schrijf op wat je tegenkomt.", "Write down "
	    "what you run into." },
	[T_ERR_SIGNAL_LONG] = { "Dit is te lang: hoogstens 2000 tekens.",
	    "This is too long: at most 2000 characters." },
	[T_ERR_CATEGORY] = { "Kies waar het over gaat.", "Choose what it is "
	    "about." },
	[T_ERR_EMAIL] = { "Vul een e-mailadres in, zoals naam@voorbeeld.nl.",
	    "Fill in an email address, such as name@example.org." },
	[T_ERR_OCCURRENCE] = { "Kies een datum uit de lijst.", "Choose a date "
	    "from the list." },
	[T_ERR_REMIND] = { "Schrijf de herinneringen als 7d, 1d of 2u, met "
	    "komma's ertussen.", "Write the reminders as 7d, 1d or 2h, with "
	    "commas in between." },
	[T_ERR_QUIET] = { "Schrijf de rustige uren als 21:00-09:00.", "Write "
	    "the quiet hours as 21:00-09:00." },
	[T_FOLLOW] = { "Groepen volgen", "Following groups" },
	[T_FOLLOW_INTRO] = { "Als je een groep volgt, krijg je een e-mail "
	    "wanneer die groep een nieuwe bijeenkomst aankondigt.", "When you "
	    "follow a group, you get an email when that group announces a new "
	    "session." },
	[T_FOLLOW_BUTTON] = { "Volgen", "Follow" },
	[T_UNFOLLOW_BUTTON] = { "Niet meer volgen", "Stop following" },
	[T_FOLLOWING] = { "je volgt deze groep", "you follow this group" },
	[T_FOLLOWED] = { "Je volgt de groep", "You follow the group" },
	[T_FOLLOWED_TEXT] = { "Je krijgt bericht als deze groep een nieuwe "
	    "bijeenkomst aankondigt.", "You will hear from us when this group "
	    "announces a new session." },
	[T_UNFOLLOWED] = { "Je volgt de groep niet meer", "You no longer "
	    "follow the group" },
	[T_UNFOLLOWED_TEXT] = { "Je krijgt geen aankondigingen meer van deze "
	    "groep.", "You will get no more announcements from this group." },
	[T_GROUP_PAGE_INTRO] = { "De bijeenkomsten van deze groep. Deze pagina "
	    "is alleen te vinden met de link die de groep met je deelde; deel "
	    "hem alleen met mensen van de groep.", "The sessions of this "
	    "group. This page can only be found with the link the group "
	    "shared with you; share it only with people of the group." },
	[T_GROUP_NONE] = { "Deze groep heeft nu geen bijeenkomsten gepland.",
	    "This group has no sessions planned now." },
	[T_REGISTERED_COUNT] = { "aangemeld", "registered" },
	[T_IDEAS] = { "Denk mee", "Share your ideas" },
	[T_IDEAS_INTRO] = { "Deze bijeenkomsten worden nog voorbereid. Stem op "
	    "onderwerpen of stel er een voor; de organisatoren kiezen.",
	    "These sessions are still being prepared. Vote for topics or "
	    "suggest one; the organisers choose." },
	[T_IDEAS_AGENDA] = { "Om te stemmen of een onderwerp voor te stellen, "
	    "gebruik je de persoonlijke link uit een e-mail van ons. Nog geen "
	    "link? Meld je aan voor een bijeenkomst, of vraag een nieuwe link "
	    "aan.", "To vote or suggest a topic, use the personal link from an "
	    "email of ours. No link yet? Register for a session, or ask for a "
	    "new link." },
	[T_IDEAS_ON_ME] = { "Bijeenkomsten in voorbereiding: stem op "
	    "onderwerpen of stel er een voor. Een voorstel is zichtbaar zodra "
	    "de organisatoren het hebben doorgelaten.", "Sessions being "
	    "prepared: vote for topics or suggest one. A suggestion shows once "
	    "the organisers have let it through." },
	[T_VOTES] = { "stemmen", "votes" },
	[T_ONE_VOTE] = { "stem", "vote" },
	[T_VOTE] = { "Stem", "Vote" },
	[T_VOTED] = { "je hebt gestemd", "you voted" },
	[T_SUGGEST] = { "Onderwerp voorstellen", "Suggest a topic" },
	[T_SUGGEST_HINT] = { "Hoogstens 500 tekens. Schrijf geen namen.",
	    "At most 500 characters. Do not write names." },
	[T_SUGGEST_BUTTON] = { "Voorstellen", "Suggest" },
	[T_SUGGESTED] = { "Dank je voor je voorstel", "Thank you for your "
	    "suggestion" },
	[T_SUGGESTED_TEXT] = { "De organisatoren bekijken het. Laten ze het "
	    "door, dan kan iedereen erop stemmen.", "The organisers will look "
	    "at it. Once they let it through, everyone can vote for it." },
	[T_VOTE_DONE] = { "Je stem is geteld", "Your vote is counted" },
	[T_VOTE_DONE_TEXT] = { "Dank je. Je kunt op elk onderwerp een keer "
	    "stemmen.", "Thank you. You can vote once on each topic." },
	[T_ERR_TOPIC_EMPTY] = { "Schrijf het onderwerp op.", "Write down the "
	    "topic." },
	[T_ERR_TOPIC_LONG] = { "Dit is te lang: hoogstens 500 tekens.",
	    "This is too long: at most 500 characters." },
	[T_ERR_TEXT_CHARS] = { "Deze tekst bevat tekens die we niet kunnen "
	    "bewaren. Typ hem opnieuw, zonder speciale tekens.", "This text "
	    "holds characters we cannot keep. Type it again, without special "
	    "characters." },
	[T_PROMOTED_UNMAILED] = { "je hebt een plaats gekregen van de "
	    "wachtlijst (we stuurden je geen e-mail, omdat je geen e-mail meer "
	    "wilde)", "you got a place from the waiting list (we sent you no "
	    "email, as you asked for no more email)" },
	[T_IDEAS_CLOSED] = { "Voor deze bijeenkomst kan niet meer worden "
	    "gestemd of voorgesteld.", "This session takes no more votes or "
	    "suggestions." },
};

const char *
web_t(const struct web_req *r, enum web_text t)
{
	return texts[t][r->en ? 1 : 0];
}

static const struct {
	const char	*kind, *name[2];
} kinds[] = {
	{ "themabijeenkomst", { "Themabijeenkomst", "Theme meeting" } },
	{ "dialoogsessie", { "Dialoogsessie", "Dialogue session" } },
	{ "steungroep", { "Steungroep", "Support group" } },
	{ "kennissessie", { "Kennissessie", "Knowledge session" } },
	{ "netwerksessie", { "Netwerksessie", "Network session" } },
	{ "overig", { "Overig", "Other" } },
};

const char *
web_kind_name(const struct web_req *r, const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].name[r->en ? 1 : 0];
	return kind;
}

void
web_when(const struct web_req *r, void *zone, int days, time_t start,
    time_t end, int with_end, char *out, size_t len)
{
	char a[32], b[32];

	if (days > 0) {
		when_format_date(start, zone, a);
		when_format_date(when_days_after(end, -1, zone), zone, b);
		if (!with_end)
			snprintf(out, len, "%s", a);
		else if (strcmp(a, b) == 0)
			snprintf(out, len, "%s, %s", a, web_t(r, T_ALL_DAY));
		else
			snprintf(out, len, "%s \xe2\x80\x93 %s", a, b);
		return;
	}
	when_format_local(start, zone, a);
	if (!with_end) {
		snprintf(out, len, "%s", a);
		return;
	}
	when_format_local(end, zone, b);
	snprintf(out, len, "%s\xe2\x80\x93%s", a, strncmp(a, b, 10) == 0 ?
	    b + 11 : b);
}

void
web_day_name(const struct web_req *r, time_t t, void *zone, char *out,
    size_t len)
{
	static const char *const days[2][7] = {
		{ "zondag", "maandag", "dinsdag", "woensdag", "donderdag",
		  "vrijdag", "zaterdag" },
		{ "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
		  "Friday", "Saturday" },
	};
	static const char *const months[2][12] = {
		{ "januari", "februari", "maart", "april", "mei", "juni", "juli",
		  "augustus", "september", "oktober", "november", "december" },
		{ "January", "February", "March", "April", "May", "June", "July",
		  "August", "September", "October", "November", "December" },
	};
	struct icaltimetype lt = when_local(t, zone);
	int dow = icaltime_day_of_week(lt) - 1, en = r->en ? 1 : 0;

	if (dow < 0 || dow > 6 || lt.month < 1 || lt.month > 12) {
		snprintf(out, len, "%04d-%02d-%02d", lt.year, lt.month, lt.day);
		return;
	}
	if (en)
		snprintf(out, len, "%s %d %s %d", days[1][dow], lt.day,
		    months[1][lt.month - 1], lt.year);
	else
		snprintf(out, len, "%s %d %s %d", days[0][dow], lt.day,
		    months[0][lt.month - 1], lt.year);
}

void
web_lang_param(struct html *h, const struct web_req *r, int amp)
{
	if (r->en)
		html_raw(h, amp ? "&amp;lang=en" : "?lang=en");
}

/* A decoded path, each segment percent-encoded again. */
static void
path_attr(struct html *h, const char *path)
{
	char seg[512];
	const char *p = path, *slash;
	size_t n;

	while (*p == '/') {
		html_raw(h, "/");
		p++;
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n >= sizeof(seg))
			n = sizeof(seg) - 1;
		memcpy(seg, p, n);
		seg[n] = '\0';
		html_url(h, seg);
		p = slash ? slash : p + strlen(p);
	}
}

void
web_head(struct html *h, const struct web_req *r, const char *title,
    const char *switch_query)
{
	html_raw(h, "<!DOCTYPE html>\n<html lang=\"");
	html_raw(h, r->en ? "en" : "nl");
	html_raw(h, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\""
	    "viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>");
	html_txt(h, title);
	html_raw(h, " \xe2\x80\x94 ");
	html_txt(h, web_t(r, T_SITE));
	html_raw(h, "</title>\n");
	/* A group's secret page is for its members, not for search engines. */
	if (r->page_group)
		html_raw(h, "<meta name=\"robots\" content=\"noindex, "
		    "nofollow\">\n");
	html_raw(h, "<link rel=\"stylesheet\" href=\"/style.css\">\n"
	    "</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
	html_txt(h, web_t(r, T_SKIP));
	html_raw(h, "</a>\n<header>\n<p class=\"site\"><a href=\"/");
	web_lang_param(h, r, 0);
	html_raw(h, "\">");
	html_txt(h, web_t(r, T_SITE));
	html_raw(h, "</a></p>\n<p class=\"lang\"><a href=\"");
	/* After a form the switch leads to the agenda, not to the POST. */
	path_attr(h, strcmp(r->method, "POST") == 0 ? "/" : r->path);
	html_raw(h, "?");
	if (switch_query && *switch_query) {
		html_attr(h, switch_query);
		html_raw(h, "&amp;");
	}
	html_raw(h, "lang=");
	html_raw(h, web_t(r, T_SWITCH_LANG));
	html_raw(h, "\" hreflang=\"");
	html_raw(h, web_t(r, T_SWITCH_LANG));
	html_raw(h, "\" lang=\"");
	html_raw(h, web_t(r, T_SWITCH_LANG));
	html_raw(h, "\">");
	html_txt(h, web_t(r, T_SWITCH));
	html_raw(h, "</a></p>\n<nav aria-label=\"");
	html_attr(h, web_t(r, T_NAV));
	html_raw(h, "\">\n<ul>\n<li><a href=\"/");
	web_lang_param(h, r, 0);
	html_raw(h, "\">");
	html_txt(h, web_t(r, T_AGENDA));
	html_raw(h, "</a></li>\n<li><a href=\"/signals");
	web_lang_param(h, r, 0);
	html_raw(h, "\">");
	html_txt(h, web_t(r, T_SIGNALS));
	html_raw(h, "</a></li>\n<li><a href=\"/link");
	web_lang_param(h, r, 0);
	html_raw(h, "\">");
	html_txt(h, web_t(r, T_LINK_LOST));
	html_raw(h, "</a></li>\n</ul>\n</nav>\n</header>\n"
	    "<main id=\"main\">\n");
}

void
web_errors(struct html *h, const struct web_req *r,
    const struct web_err *e, int n)
{
	if (n <= 0)
		return;
	html_raw(h, "<div class=\"errors\" role=\"alert\">\n<h2>");
	html_txt(h, web_t(r, T_ERRORS));
	html_raw(h, "</h2>\n<ul>\n");
	for (int i = 0; i < n; i++) {
		html_raw(h, "<li><a href=\"#");
		html_attr(h, e[i].field);
		html_raw(h, "\">");
		html_txt(h, web_t(r, e[i].text));
		html_raw(h, "</a></li>\n");
	}
	html_raw(h, "</ul>\n</div>\n");
}

static const struct web_err *
err_of(const struct web_err *e, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(e[i].field, id) == 0)
			return &e[i];
	return NULL;
}

void
web_field_error(struct html *h, const struct web_req *r,
    const struct web_err *e, int n, const char *id)
{
	const struct web_err *mine = err_of(e, n, id);

	if (mine == NULL)
		return;
	html_raw(h, "<p class=\"error\" id=\"");
	html_attr(h, id);
	html_raw(h, "-error\">");
	html_txt(h, web_t(r, mine->text));
	html_raw(h, "</p>\n");
}

void
web_field_attrs(struct html *h, const struct web_err *e, int n,
    const char *id, const char *name, int hint)
{
	int bad = err_of(e, n, id) != NULL;

	html_raw(h, " id=\"");
	html_attr(h, id);
	html_raw(h, "\" name=\"");
	html_attr(h, name ? name : id);
	html_raw(h, "\"");
	if (hint || bad) {
		html_raw(h, " aria-describedby=\"");
		if (hint) {
			html_attr(h, id);
			html_raw(h, "-hint");
		}
		if (bad) {
			html_raw(h, hint ? " " : "");
			html_attr(h, id);
			html_raw(h, "-error");
		}
		html_raw(h, "\"");
	}
	if (bad)
		html_raw(h, " aria-invalid=\"true\"");
}

const char *
web_category_name(const struct web_req *r, const char *cat)
{
	static const struct {
		const char	*cat;
		const char	*name[2];
	} cats[] = {
		{ "uht", { "Herstel Toeslagen (UHT)", "Recovery of benefits "
		    "(UHT)" } },
		{ "buurtteam", { "Buurtteam", "Buurtteam (neighbourhood "
		    "team)" } },
		{ "gemeente", { "Gemeente", "Municipality" } },
		{ "financieel", { "Geld en schulden", "Money and debts" } },
		{ "overig", { "Iets anders", "Something else" } },
	};

	for (size_t i = 0; i < sizeof(cats) / sizeof(cats[0]); i++)
		if (strcmp(cats[i].cat, cat) == 0)
			return cats[i].name[r->en];
	return cat;
}

void
web_foot(struct html *h, const struct web_req *r)
{
	html_raw(h, "</main>\n<footer>\n<p>");
	html_txt(h, web_t(r, T_FOOTER));
	html_raw(h, "</p>\n</footer>\n</body>\n</html>\n");
}

static void
common_headers(struct MHD_Response *rs)
{
	MHD_add_response_header(rs, "Content-Security-Policy",
	    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
	    "base-uri 'none'");
	MHD_add_response_header(rs, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(rs, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(rs, "X-Frame-Options", "DENY");
}

/* Send rs with the headers of every page; destroys rs. */
static enum MHD_Result
send_page(struct MHD_Connection *c, unsigned int status,
    struct MHD_Response *rs, const char *etag)
{
	enum MHD_Result ret;

	MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/html; charset=utf-8");
	common_headers(rs);
	MHD_add_response_header(rs, MHD_HTTP_HEADER_VARY, "Accept-Language");
	if (etag) {
		MHD_add_response_header(rs, MHD_HTTP_HEADER_ETAG, etag);
		MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "public, no-cache");
	} else
		MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
	ret = MHD_queue_response(c, status, rs);
	MHD_destroy_response(rs);
	return ret;
}

enum MHD_Result
web_send(struct MHD_Connection *c, unsigned int status, char *body,
    size_t len, const char *etag)
{
	struct MHD_Response *rs;

	rs = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (rs == NULL) {
		free(body);
		return MHD_NO;
	}
	return send_page(c, status, rs, etag);
}

enum MHD_Result
web_send_kept(struct MHD_Connection *c, unsigned int status,
    const char *body, size_t len, const char *etag, void (*release)(void *),
    void *cls)
{
	struct MHD_Response *rs;

	rs = MHD_create_response_from_buffer_with_free_callback_cls(len,
	    (void *)body, release, cls);
	if (rs == NULL) {
		release(cls);
		return MHD_NO;
	}
	return send_page(c, status, rs, etag);
}

enum MHD_Result
web_finish(const struct web_req *r, struct html *h, unsigned int status)
{
	char *out;
	size_t len;
	static const char oops[] = "<!DOCTYPE html>\n<html lang=\"nl\"><head>"
	    "<meta charset=\"utf-8\"><title>Fout / Error</title></head><body>"
	    "<main><h1>Er ging iets mis / Something went wrong</h1></main>"
	    "</body></html>\n";

	if (html_finish(h, &out, &len) != HTML_OK) {
		if ((out = strdup(oops)) == NULL)
			return MHD_NO;
		return web_send(r->c, 500, out, strlen(out), NULL);
	}
	return web_send(r->c, status, out, len, NULL);
}

enum MHD_Result
web_message(const struct web_req *r, unsigned int status,
    enum web_text heading, enum web_text text)
{
	struct html h;

	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, heading), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, heading));
	html_raw(&h, "</h1>\n<p>");
	html_txt(&h, web_t(r, text));
	html_raw(&h, "</p>\n<p><a href=\"/");
	web_lang_param(&h, r, 0);
	html_raw(&h, "\">");
	html_txt(&h, web_t(r, T_BACK));
	html_raw(&h, "</a></p>\n");
	web_foot(&h, r);
	return web_finish(r, &h, status);
}

/*
 * Readable at 320 px and at 200% zoom (one column, relative units, no
 * fixed widths), a visible focus ring, and colours with a contrast of
 * at least 4.5:1 on white (#1a1a1a text, #0b4f9c links, #a4000f for
 * "cancelled").
 */
static const char stylesheet[] =
	"html{font-family:system-ui,sans-serif;font-size:100%;line-height:1.5;"
	"color:#1a1a1a;background:#fff}\n"
	"body{margin:0 auto;max-width:48rem;padding:0 1rem}\n"
	"a{color:#0b4f9c;text-decoration:underline}\n"
	"a:focus,button:focus,input:focus,select:focus,textarea:focus{"
	"outline:3px solid #1a1a1a;"
	"outline-offset:2px}\n"
	".skip{position:absolute;left:-100rem}\n"
	".skip:focus{position:static;display:inline-block;padding:.5rem}\n"
	"header{display:flex;flex-wrap:wrap;justify-content:space-between;"
	"gap:.5rem;border-bottom:2px solid #1a1a1a;padding:.5rem 0}\n"
	"header p{margin:0}\n.site a{font-weight:bold;color:#1a1a1a}\n"
	"footer{border-top:1px solid #595959;margin-top:2rem;font-size:.9rem}\n"
	"h1{font-size:1.75rem;line-height:1.2}\nh2{font-size:1.35rem}\n"
	"h3{font-size:1.1rem;margin-bottom:.25rem}\n"
	"ul.sessions{list-style:none;padding:0}\n"
	"ul.sessions>li{border-left:4px solid #0b4f9c;padding:.25rem .75rem;"
	"margin:0 0 1rem}\n"
	"ul.sessions>li.cancelled{border-left-color:#a4000f}\n"
	".cancelled strong,.gone{color:#a4000f}\n"
	".meta{margin:0}\n.desc{white-space:pre-line}\n"
	"nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}\n"
	"[aria-current]{font-weight:bold}\n"
	"label{display:block;font-weight:bold;margin-top:1rem}\n"
	"fieldset{margin-top:1rem;border:1px solid #595959}\n"
	"fieldset label{display:inline;font-weight:normal;margin:0 1rem 0 .25rem}\n"
	".hint{margin:0;color:#404040}\n"
	"input[type=email],input[type=text],select,textarea{font-size:1rem;"
	"padding:.4rem;"
	"width:100%;max-width:30rem;box-sizing:border-box;border:2px solid #595959}\n"
	"button{font-size:1rem;margin-top:1rem;padding:.5rem 1rem;color:#fff;"
	"background:#0b4f9c;border:2px solid #0b4f9c;border-radius:.25rem;"
	"cursor:pointer}\n"
	".hp{position:absolute;left:-100rem;width:1px;height:1px;overflow:hidden}\n"
	"[role=alert]{border:2px solid #a4000f;padding:.5rem 1rem}\n"
	".error{color:#a4000f;font-weight:bold;margin:.25rem 0}\n"
	"[aria-invalid=true]{border-color:#a4000f}\n"
	"header nav{flex-basis:100%}\nheader nav ul{margin:0}\n"
	"ul.signals{list-style:none;padding:0}\n"
	"ul.signals>li{border-left:4px solid #595959;padding:.25rem .75rem;"
	"margin:0 0 1rem}\n"
	"form.inline{display:inline}\nform.inline button{margin-top:.25rem}\n";

enum MHD_Result
web_stylesheet(struct MHD_Connection *c)
{
	struct MHD_Response *rs;
	enum MHD_Result ret;
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	/* The sheet is part of the program: its version names it. */
	static const char etag[] = "\"style-2\"";
	int same = inm && strstr(inm, etag) != NULL;

	rs = MHD_create_response_from_buffer(same ? 0 : sizeof(stylesheet) - 1,
	    (void *)(same ? "" : stylesheet), MHD_RESPMEM_PERSISTENT);
	if (rs == NULL)
		return MHD_NO;
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/css; charset=utf-8");
	common_headers(rs);
	MHD_add_response_header(rs, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "public, max-age=86400");
	ret = MHD_queue_response(c, same ? MHD_HTTP_NOT_MODIFIED :
	    MHD_HTTP_OK, rs);
	MHD_destroy_response(rs);
	return ret;
}
