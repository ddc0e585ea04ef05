"""The patterns of text pages, as data: line rules, header shapes, forum chrome, comment-section shapes.

Compiled once, here and nowhere else in the stage: :mod:`.segment` applies the
line and header patterns, :mod:`.comments` the comment-section ones. A new
outlet's clutter usually costs one entry in :data:`LINE_RULES`.
"""

from __future__ import annotations

import re

#: month names as the pages write them (bylines, comment times), as a regex alternation
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

# ---------------------------------------------------------------------------
# Line shapes.
# ---------------------------------------------------------------------------
#: a line ending like the end of a sentence (or a figure, a quotation, a list item)
TERMINAL = re.compile(r"[.!?…:;\"'”’)\]*\d]\s*$")
#: a rule separator (``-----``)
SEPARATOR = re.compile(r"^\s*[-_=*~]{5,}\s*$")
BULLET = re.compile(r"^\s*[•·●▪◦]\s*")
#: a line that is an item of its own and never continues the line above it: a list item (bullet, dash, number),
#: a "Label: N" line, a table row
LIST_ITEM = re.compile(
    r"^\s*(?:[•·●▪◦*+]|[-–—]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s)"
    r"|^\s*[^\W\d_][^:|]{0,40}:\s*(?:[-+~≈<>]\s*)?[$€£¥]?\d[\d.,]*(?:\s*(?:[-–—]|to)\s*[$€£¥]?\d[\d.,]*)?\s*\S{0,12}\s*$"
    r"|\|.*\||\t"
)
#: a short row of a list or table written as words then one number: "United States 1,974", "TOTAL 3,007", "Britain 414*"
NUMBER_ROW = re.compile(r"^\s*(?P<label>[A-Z][^\W\d_'’.()-]*(?:\s+[^\W\d_(][^\W\d_'’.()-]*\)?){0,4})\s+"
                        r"(?P<n>[-+~≈<>]?[$€£¥]?\d(?:[\d.,]*\d)?)[*+]?\s*$")
#: the end of a sentence at the end of a line (a wrapped line ending so may still end its paragraph)
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
#: a line that ends as a headline never does: a sentence end, a comma or a semicolon
NOT_HEADLINE_END = re.compile(r"[.!?…,;][\"'”’)\]]*\s*$")
#: a name alone on a line, the byline of a page that prints no "By" (two or three capitalised words)
NAME_LINE = re.compile(r"^\s*(?P<name>[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(?:\s+(?:[A-Z]\.|[A-Z][a-z]*(?:[-'’][A-Z]?[a-z]+)?)){1,2})\s*$")
#: words that make a line between separators a donation appeal rather than other site chrome
APPEAL_WORDS = re.compile(r"donat|support|contribut|help", re.I)
#: a trailing parenthesis (a caption's credit), dropped before comparing a caption with the body
TRAILING_PARENTHESIS = re.compile(r"\([^()]*\)\s*$")

# Line rules: (rule name, kind, pattern). Order matters: the first match wins.
LINE_RULES: list[tuple[str, str, re.Pattern[str]]] = [
    ("related-links", "boilerplate", re.compile(r"^\s*(?:You might (?:be interested|also like)|Related (?:articles|posts|stories)|Read more:?$|More from)", re.I)),
    ("share-widget", "boilerplate", re.compile(r"^\s*(?:Share(?: this(?: article)?)?:?|Tweet|Email|Print|Subscribe|Notify of|guest|Like this:?|Share on \w+)\s*$", re.I)),
    ("donation-appeal", "boilerplate", re.compile(r"\b(?:to donate|donate (?:via|now|today|here)|please (?:consider )?(?:donat|contribut|support))", re.I)),
    ("shop-promo", "boilerplate", re.compile(r"\b(?:promo code|coupon code|visit the \w+ store|merchandise)\b", re.I)),
    ("reaction-widget", "boilerplate", re.compile(r"^\s*What(?:'|’)s your reaction\??\s*$", re.I)),
    ("bare-link", "boilerplate", re.compile(r"^\s*https?://\S+\s*$")),
    ("reference-list", "boilerplate", re.compile(r"^\s*(?:Quoted files:|Other files used as sources?:|\*\s*\d+\s*$|Sources?:\s*$|References:\s*$)", re.I)),
    ("image-alt", "image", re.compile(r"^\s*(?:Image result for|\[Image:[^\]]*\]\s*$)", re.I)),
    ("editor-note", "note", re.compile(r"^\s*This (?:piece|article|story|report) (?:was|is) (?:made|produced|published|written|part)\b", re.I)),
    ("credit-reprint", "credit", re.compile(r"^\s*(?:Reprinted|Republished|Originally published|Cross-posted)\b.{0,80}\b(?:from|in|by|at)\b", re.I)),
    ("credit-copyright", "credit", re.compile(r"(?:©|\bc\.\s?|\(c\)\s?|\bCopyright\s)(?:19|20)\d\d\b")),
    ("photo-caption", "caption", re.compile(r"^\s*(?:Photo|Image|Picture)\s*:\s", re.I)),
    (
        "caption-credit",
        "caption",
        re.compile(r"\((?:(?:Photo|Image|Picture|Credit)s?:[^()]*|[^()]{2,60}/[^()]{2,60}|AP|AFP|Reuters|EPA|Getty Images|The New York Times)\)\s*$"),
    ),
]

# ---------------------------------------------------------------------------
# The article's header.
# ---------------------------------------------------------------------------
BYLINE = re.compile(
    rf"^\s*(?:(?P<date>(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\s+)?"
    r"(?:By|BY|by(?=\s+[A-Z])|Guest [Pp]ost by|Written by|Posted by|Op-ed by)\s+(?P<name>\S+(?:\s+\S+){0,7}?)\s*(?:featured)?\s*$"
)
DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Z .'’-]{2,40}?)\s*[-–—]{1,2}\s*$")
IMAGE_MARKER = re.compile(r"^\s*\[Image:[^\]]*\]")
SUMMARY_HEADER = re.compile(r"^\s*(?:Highlights|Key points|Summary|In brief|At a glance)\s*:?\s*$", re.I)
SIGNATURE = re.compile(r"^\s*[\"“].{3,300}?[\"”]\s*[-–—]?\s*[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){0,3}(?:[.,].*)?$")

# ---------------------------------------------------------------------------
# Forum chrome (MyBB, vBulletin and alike).
# ---------------------------------------------------------------------------
FORUM_RATING = re.compile(r"^\s*Thread Rating:\s*$", re.I)
FORUM_RELATED = re.compile(r"^\s*Possibly Related Threads", re.I)
FORUM_TAIL = re.compile(r"^\s*(?:Forum Jump:|Users browsing this thread:|Thread Author Replies Views Last Post|Last Post:)", re.I)

# ---------------------------------------------------------------------------
# Comment sections.
# ---------------------------------------------------------------------------
#: the heading of a reaction widget, which opens a comment section
REACTION_HEADING = re.compile(r"^What(?:'|’)s your reaction\??$", re.I)
#: "12 Comments", "No Comments": the count a threaded comment section declares
COMMENT_COUNT = re.compile(r"^\s*(?P<n>\d+|No|Zero)\s+Comments?\s*$", re.I)
#: "12 comments" further down a comment section
COMMENT_COUNT_LINE = re.compile(r"^(?P<n>\d+)\s+comments?$", re.I)
#: widget chrome just above a comment count (lower-cased lines)
COMMENT_CHROME = frozenset({"subscribe", "notify of", "guest", "login", ""})
#: a comment's time line: "March 3, 2024 4:05 pm"
COMMENT_TIME = re.compile(
    rf"^\s*(?P<date>(?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}})\s+(?P<time>\d{{1,2}}:\d{{2}}\s*[ap]\.?m\.?)\s*$", re.I
)
#: an indented "reply to" line naming the author replied to
REPLY_TO = re.compile(r"^[\u00a0 \t]+(?P<name>\S.*?)\s*$")

# ---------------------------------------------------------------------------
# Comment sections of text copies, per layout (see :data:`.comments.LAYOUTS`).
# ---------------------------------------------------------------------------
#: German, Spanish, French, Italian and Dutch month names, for comment time lines of non-English themes
MONTHS_OTHER = (
    "Januar|Jänner|Februar|März|Mai|Juni|Juli|Oktober|Dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    "septiembre|setiembre|octubre|noviembre|diciembre|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|"
    "novembre|décembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|"
    "mei|juli|augustus|oktober"
)
_MONTH_ANY = rf"(?:{MONTHS}|{MONTHS_OTHER}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
#: a line that only stamps the page with a time: "Published: 0150 GMT August 17, 2016", "Updated 10:48 GMT",
#: "Posted on March 3, 2020 at 5:00 pm", "Last updated: 12/01/2026" (a label, then nothing but date and time words)
_STAMP_WORD = rf"(?:\d{{1,4}}(?:st|nd|rd|th)?|{_MONTH_ANY}|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|sday|nesday|urday)?\.?|GMT|UTC|BST|CET|CEST|EST|EDT|PST|PDT|ET|[ap]\.?m\.?|at|on|[,/:.\-–|])"
TIMESTAMP_LINE = re.compile(
    rf"^\s*(?:Published|Updated|Posted|Last updated|Last modified|First published|Date)(?:\s+on)?\s*:?\s*(?=[^\n]*\d)(?:{_STAMP_WORD}\s*){{1,14}}$",
    re.I,
)
#: a relative time as platforms print it: "3 years ago", "a month ago", "5 yr. ago", "2h"
RELATIVE_TIME = r"(?:(?:a|an|one|\d+)\s*(?:second|sec|minute|min|hour|hr|day|week|wk|month|mo|year|yr)s?\.?\s+ago|just now)"
#: a whole line that is a comment's time: "August 15, 2020 at 9:35 am", "10. Februar 2019 um 18:05 Uhr",
#: "2019-03-03 16:05", "15/08/2020 at 9:35", "March 3, 2019" (a date alone), "3 years ago"
COMMENT_TIME_LINE = re.compile(
    r"^\s*(?:"
    rf"(?:{_MONTH_ANY}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\.?\s+(?:de\s+)?{_MONTH_ANY}\s+(?:de\s+)?\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
    r"(?:,?\s*(?:at|um|à|a las|alle|om|-|—|/|,)?\s*\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?|Uhr|h)?)?"
    rf"|(?:{_MONTH_ANY})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:at\s+)?\d{{1,2}}:\d{{2}}\s*[ap]\.?\s?m\.?"
    rf"|{RELATIVE_TIME}"
    r")\s*$",
    re.I,
)
#: WordPress "Name says:" heads (and the same in the languages of the themes we meet)
SAYS_HEAD = re.compile(
    r"^\s*(?P<name>\S.{0,80}?)\s+(?:says|said|sagt|schreibt|schrieb|dijo|dice|escribió|a dit|écrit|scrive|ha scritto|zegt|schreef)\s*:\s*$",
    re.I,
)
#: a pingback or trackback shown in a comment list: another site's title, not a reader's words
PINGBACK = re.compile(r"^\s*(?:Pingback|Trackback)\s*:\s*(?P<title>\S.*?)\s*$", re.I)
#: the buttons and counters under a comment, in the copies of every layout (lower-cased, whole lines)
COMMENT_BUTTONS = frozenset(
    {"reply", "antworten", "responder", "répondre", "rispondi", "beantwoorden", "reply ↓", "log in to reply", "report",
     "share", "save", "edit", "delete", "permalink", "quote", "like", "upvote", "downvote", "vote", "flag", "embed",
     "parent", "link", "•reply•share ›", "•reply", "•share ›", "share ›", "reply share", "reply share report save",
     "give award", "award", "avatar", "−", "-", "+", "•", "see more", "load more comments", "show more replies",
     "view more replies", "continue this thread", "permalinkembedsavereportreply", "permalinkembedsaveparentreportreply",
     "△ ▽", "▲", "▼", "⬆", "⬇", "reply quote", "quote reply", "like reply", "antwortenlöschen", "löschen",
     "replydelete", "delete", "antworten löschen", "reply delete", "kommentar melden.", "melden", "zitieren", "antwort", "responder eliminar", "eliminar"}
)
#: a line holding only a vote count or "12 points" / "3 Likes" / "△ 2 ▽"
VOTE_LINE = re.compile(r"^\s*(?:[△▲⬆]\s*)?-?\d[\d,.]*[km]?\s*(?:points?|votes?|likes?|upvotes?)?\s*(?:[▽▼⬇])?\s*$", re.I)
#: the heading or count a comment section opens with: "23 Comments", "20 thoughts on “...”", "11 responses to",
#: "Leave a Reply", "17 Discussion to this post", "5 Gedanken zu", "Kommentare"
COMMENT_SECTION_HEADING = re.compile(
    r"^\s*(?:(?P<n>\d+|No|One|Zero|Keine|Ein)\s+(?:Comments?|thoughts? on|responses? to|Responses?|Replies|Discussions?|"
    r"Kommentare?|Gedanken zu|Antworten|Answers?|comentarios?|commentaires?|commenti|reacties|Meinungen)\b.*"
    r"|Leave a (?:Reply|Comment)|Kommentar (?:hinterlassen|verfassen|schreiben)|Schreibe einen Kommentar|"
    r"Deja un comentario|Laisser un commentaire|Join the discussion|Comments?|Kommentare|Discussion)\s*$",
    re.I,
)
#: Disqus: "Name • 3 years ago", "Nick Mavrakis Mod  dave guandalino • 25 days ago" (two spaces, then the
#: name replied to), "Name • Mar 3, 2019"
DISQUS_HEAD = re.compile(
    rf"^\s*(?:Avatar\s*)?(?P<name>[^•\n]{{1,60}}?)(?:\s+(?:Mod|Admin|Moderator))?(?:\s{{2,}}(?:→\s*)?(?P<parent>[^•\n]{{1,60}}?))?"
    rf"\s+•\s+(?P<when>{RELATIVE_TIME}|(?:{_MONTH_ANY})\s+\d{{1,2}},?\s+\d{{4}})(?:\s+edited)?\s*$",
    re.I,
)
#: Disqus chrome that names the widget
DISQUS_CHROME = re.compile(r"^\s*(?:•?Reply\s*•\s*Share\s*›|comments powered by Disqus|Disqus\s*$|Sort by Best\s*$|Recommend\s*$)", re.I)
#: MetaFilter's byline, AFTER the comment text: "posted by X at 10:32 AM on November 18 [2 favorites]"
METAFILTER_BYLINE = re.compile(
    r"^\s*posted by (?P<name>.+?) at (?P<time>\d{1,2}:\d{2}\s*[AP]M) on (?P<date>(?:"
    + MONTHS
    + r")\s+\d{1,2}(?:,\s+\d{4})?)(?P<rest>.*)$",
    re.I,
)
#: the count MetaFilter puts on the post's own byline: "(97 comments total)"
METAFILTER_TOTAL = re.compile(r"\((?P<n>\d+) comments? total\)", re.I)
#: Reddit: "level 1" (new Reddit's depth line), "username · 5 yr. ago", "· 5 yr. ago", old Reddit's
#: "[–] username 12 points 5 years ago"
REDDIT_LEVEL = re.compile(r"^\s*level\s+(?P<level>\d+)\s*$", re.I)
REDDIT_HEAD = re.compile(rf"^\s*(?:u/)?(?P<name>[\w-]{{2,40}})?\s*(?:OP\s*)?·\s*(?P<when>{RELATIVE_TIME}|\d+\s*[hdmy])\s*(?:·\s*edited.*)?$", re.I)
REDDIT_OLD_HEAD = re.compile(
    rf"^\s*\[[–+-]\]\s*(?P<name>[\w-]{{2,40}})(?:\s+\S+){{0,3}}?\s+(?P<points>-?\d+|score hidden)\s*points?\s+(?P<when>{RELATIVE_TIME})",
    re.I,
)
#: a bare username line as new Reddit copies print it
REDDIT_USER = re.compile(r"^\s*(?:u/)?[\w-]{2,40}\s*$")
#: Discourse: a post number line "#3" and its date line ("Mar 3, 2019", "Mar '19", "3d")
POST_NUMBER = re.compile(r"^\s*#(?P<n>\d{1,5})\s*$")
DISCOURSE_DATE = re.compile(rf"^\s*(?:(?:{_MONTH_ANY})\s+(?:\d{{1,2}},?\s+\d{{4}}|'\d\d|\d{{1,2}})|\d+\s*[mhdw])(?:,?\s+\d{{1,2}}:\d{{2}}\s*[ap]m)?\s*$", re.I)
#: Discourse's crawler view puts them on one line: "name (Full Name) March 3, 2019, 4:05pm #3"
DISCOURSE_ONE_LINE = re.compile(
    rf"^\s*(?P<name>[\w.-]{{2,40}})(?:\s+\([^)]*\))?\s+(?P<when>(?:{_MONTH_ANY})\s+\d{{1,2}},\s+\d{{4}}(?:,\s+\d{{1,2}}:\d{{2}}\s*[ap]m)?)\s+#(?P<n>\d+)\s*$",
    re.I,
)
#: forum posts: phpBB "Post by X » Mon Jan 02, 2017 3:04 pm", SMF "X\n« Reply #3 on: March 3, 2019, 04:05:12 PM »"
PHPBB_HEAD = re.compile(r"^\s*(?:Post\s+)?by\s+(?P<name>.{1,60}?)\s+»\s+(?P<when>.+?\d{4}.*?)\s*$", re.I)
SMF_HEAD = re.compile(r"^\s*«\s*(?:Reply\s+#(?P<n>\d+)\s+)?on:\s*(?P<when>.+?)\s*»\s*$", re.I)
#: the opening line of a quoted post: "X wrote:", "Quote from: X on March 3, 2019", "X said:", "Originally Posted by X"
QUOTE_OPEN = re.compile(
    r"^\s*(?:Quote from:\s*(?P<smf>.+?)\s+on\b.*|(?P<wrote>\S.{0,60}?)\s+(?:wrote|said|schrieb|hat geschrieben|hat gesagt\.?|escribió|a écrit)\s*:"
    r"|Quote(?: from)?:\s*(?:Originally Posted by\s+)?(?P<vb>\S.{0,60}?)|Originally Posted by\s+(?P<vb2>\S.{0,60}?))\s*$",
    re.I,
)
#: the line that closes a quote block in some copies (XenForo)
QUOTE_CLOSE = re.compile(r"^\s*(?:Click to expand\.\.\.|Zum Vergrößern anklicken\.\.\.\.?)\s*$", re.I)
#: forum member boxes beside a post: lines that are not the post's text
FORUM_PROFILE = re.compile(r"^\s*(?:Joined|Mitglied seit|Registriert(?: seit)?|Member since|Posts|Messages|Beiträge|Ort|Location|Reaction score|Punkte|Likes)\s*:?\s*$", re.I)
#: the comment form and the navigation after a comment list: where the last comment's text ends at the latest
COMMENT_FORM = re.compile(
    r"^\s*(?:Your email address will not be published|Deine E-Mail-Adresse wird nicht veröffentlicht|Ihre E-Mail-Adresse wird nicht"
    r"|Tu dirección de correo electrónico no será publicada|Cancel reply|Antworten abbrechen|Post Comment|Submit Comment"
    r"|Kommentar abschicken|Publicar (?:el )?comentario|Post navigation|Beitrags-Navigation|Beitragsnavigation|Notify me of"
    r"|Benachrichtige mich|You must be logged in to post a comment|Load more comments|Show more comments"
    r"|Also on \S|What do you think\?|Sort by (?:Best|Newest|Oldest)|Add a comment|Add Comment|Write a comment)",
    re.I,
)
#: what a comment section that no layout parsed most likely is, for the warning (first match wins)
PLATFORM_HINTS: list[tuple[str, re.Pattern[str]]] = [
    ("disqus", re.compile(r"Disqus|•\s*Reply|Share\s*›|\s•\s(?:a|an|\d+)\s+\w+\s+ago", re.I)),
    ("reddit", re.compile(r"^\s*level \d+\s*$|\b\d+\s+points?\b.*\bago\b|·\s*\d+\s*(?:yr|mo|d|h)\.?\s*ago", re.I | re.M)),
    ("metafilter", re.compile(r"^\s*posted by .+ at \d", re.I | re.M)),
    ("forum", re.compile(r"\b(?:wrote|said|schrieb):\s*$|Quote from:|Originally Posted by", re.I | re.M)),
    ("wordpress", re.compile(r"\b(?:says|sagt|dijo):\s*$|^\s*(?:Reply|Antworten|Responder)\s*$|Leave a Reply", re.I | re.M)),
]
#: the badge a theme prints between a commenter's name and the time ("Autor", "Post author")
AUTHOR_BADGE = re.compile(r"^\s*(?:Autor(?:in)?|Author|Post author|Admin|Administrator|Moderator|Mod|Verfasser(?:in)?|Site Owner)\s*$", re.I)
#: a like button with its count, as WordPress.com prints it ("LikeLiked by 21 people", "Like", "Gefällt mir")
LIKE_BUTTON = re.compile(r"^\s*(?:Like|Gefällt mir|Me gusta|J'aime)(?:Liked by .*|\s*\(\d+\))?\s*$", re.I)
#: Blogger's comment list heading: "2 Kommentare:", "Kommentare:", "1 Meinungen:", "5 comments:"
BLOGGER_HEADING = re.compile(r"^\s*(?:\d+\s+)?(?:Kommentare?|Comments?|Meinungen|Meinung|Comentarios?|Commentaires?)\s*:\s*$", re.I)
#: a Blogger comment head as copied: the name glued to the time ("Ruby21:00", "Ann Smith Mittwoch, Mai 10, 2017 4:14:00 PM")
BLOGGER_HEAD = re.compile(
    r"^\s*(?P<name>\S.{0,60}?)\s*(?P<when>(?:(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?(?:\w+\.?\s+\d{1,2},?\s+\d{4}\s+(?:um\s+|at\s+)?|\d{1,2}\.\s*\w+\s+\d{4}\s+(?:um\s+)?)?"
    r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)\s*$",
    re.I,
)
#: a one-line comment head "Name | Di, 21. April 2020 - 16:40" (Drupal themes of news sites)
NAME_PIPE_TIME = re.compile(r"^\s*(?P<name>[^|]{2,60}?)\s*\|\s*(?:(?:Mo|Di|Mi|Do|Fr|Sa|So|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?,?\s+)?(?P<when>.+?)\s*$")
#: Blogger's buttons under a thread's top comment (reply and delete) and under a reply (delete only), spaces removed
BLOGGER_TOP_BUTTONS = frozenset({"antwortenlöschen", "replydelete", "responderexcluir", "respondereliminar", "répondresupprimer"})
BLOGGER_REPLY_BUTTONS = frozenset({"löschen", "delete", "excluir", "eliminar", "supprimer"})
#: a reply button, the one button every comment of a list has (share and like buttons also sit under articles)
REPLY_BUTTON = re.compile(r"^\s*(?:•?\s*Reply(?:\s*•\s*Share\s*›)?|Antworten|Responder|Répondre|Rispondi|Beantwoorden|Log in to Reply)\s*$", re.I)
