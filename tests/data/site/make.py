#!/usr/bin/env python3
"""Build the template test site: pages/*.html and truth/*.txt.

"Riverside Notes" is a made-up blog written for scour's tests (original
text). Every page shares one template whose boilerplate reads like prose:
an "About this blog" box, a recurring promo paragraph, an author bio, a
mission statement and a legal notice in sentences. The truth file of each
page is its article text (headline, then paragraphs, one per line).

The promo paragraph rotates (three texts, each on four pages) and two
pages have no author bio, so the template is not the same on every page.

Traps that must stay:
  * a sentence quoted by two articles (pages 04 and 07),
  * a long paragraph repeated on two of the pages (02 and 09),
  * the subhead "Why it matters" inside four articles.

Run from this directory: python3 make.py (the outputs are committed).
"""

import html
import os

QUOTE = "A river is never the same twice, and neither is the person who walks beside it."

TOWN = (
    "Our town grew up around a ford where the drovers crossed with their cattle on the way to the "
    "coast, and for three centuries almost everything that happened here happened within sight of "
    "the water: the mills, the tannery, the boatyard that built barges for the canal, and later the "
    "railway bridge that made the barges unnecessary. When the last mill closed in the sixties, the "
    "buildings stood empty for a generation before anyone thought of living in them."
)

WHY = "Why it matters"

# (slug, lang, title, date, [blocks]); a block is a paragraph, ("h2", text)
# or ("quote", text).
ARTICLES = [
    ("01-sourdough", "en", "Keeping a sourdough starter alive through the summer", "June 4, 2024", [
        "Every July my starter sulks. The kitchen is warm, the flour I buy in summer seems thirstier, and the jar that bubbled politely all winter turns into a sour, runny mess by the third day of a heatwave.",
        "The fix turned out to be boring: feed it less often but with more flour, keep it stiffer than you think it should be, and put it in the coolest corner of the house, which in our case is the shelf under the stairs next to the wellington boots.",
        ("h2", WHY),
        "A starter that is fed on a rhythm that suits the season makes bread that tastes of wheat rather than vinegar. It also means you can leave for a long weekend without asking the neighbours to babysit a jar of paste.",
    ]),
    ("02-market", "en", "The Saturday market moves back to the square", "March 16, 2024", [
        "After four years in the car park behind the station, the Saturday market returned to the old square last weekend, and the stallholders seemed as surprised as anyone by the size of the crowd that came to meet them.",
        TOWN,
        "The cheese seller, who has driven in from the hills every week since 1998, said that the square felt like coming home. The man who sells knives and sharpens them while you wait was less sentimental: the new pitches are narrower, he said, and the wind comes straight down the high street.",
        "The council has promised benches and a water fountain before the summer, and the market will stay in the square at least until the end of next year.",
    ]),
    ("03-bicycle", "en", "How to true a bicycle wheel with nothing but a zip tie", "April 2, 2024", [
        "A wheel that wobbles is not a disaster, and you do not need a truing stand to straighten it. Turn the bike upside down, fix a zip tie around the frame so that its tail almost touches the rim, and spin the wheel slowly.",
        "Where the rim brushes the tail, loosen the spokes on that side by a quarter turn and tighten the ones on the other side by the same amount. Work in small steps, spin again, and stop as soon as the gap stays even all the way around.",
        "It takes patience more than skill. My first attempt took an hour and left the wheel slightly worse than before; the tenth took five minutes, and the wheel has stayed true through a whole winter of potholes.",
    ]),
    ("04-river-walk", "en", "Walking the river from the weir to the estuary", "May 11, 2024", [
        "The path along the river is twenty-two kilometres from the weir to the sea wall, flat enough for anyone and long enough to feel like a journey. We set off at seven, with sandwiches, a flask and a map we never needed.",
        "For the first hour the river is narrow and quick, and the path runs between willows and allotments. After the old railway bridge it widens, slows down and starts to smell of salt, and the herons give way to oystercatchers.",
        ("quote", QUOTE),
        "We reached the estuary at three, sat on the sea wall with our boots off and watched the tide come in over the mud, filling the channels one by one until the whole flat plain was water again.",
    ]),
    ("05-bees", "en", "A first year with bees", "August 20, 2024", [
        "I was told that the first year with bees is about learning to watch rather than about honey, and that turned out to be true. I opened the hive far too often in the spring, and the bees let me know what they thought of it.",
        ("h2", WHY),
        "By midsummer I had learned to read the entrance instead: how many foragers came back heavy with pollen, whether the guards were calm, how loud the hive hummed in the evening. Most of what I needed to know could be heard from a metre away.",
        "We took no honey this year. The colony goes into winter strong, with full frames of stores, and I go into winter with a notebook full of observations and a great deal more respect for the insects than I had in March.",
    ]),
    ("06-radio", "en", "Repairing a valve radio from the fifties", "October 8, 2024", [
        "The radio came from a house clearance, a walnut cabinet with a cracked dial glass and a smell of dust and warm varnish. It had not been switched on for decades, and the first rule with old sets is not to switch them on straight away.",
        "The paper capacitors inside were almost certainly leaking, so I replaced every one of them before applying power, slowly, through a lamp in series with the mains lead. The valves lit, the speaker crackled, and after some careful cleaning of the tuning contacts a voice came out reading the shipping forecast.",
        "There is something about hearing a broadcast through a set that is older than the presenter. The sound is warm and a little woolly, and the glow of the dial is worth more than any specification.",
    ]),
    ("07-ferry", "en", "The last ferryman on the lower river", "September 14, 2024", [
        "For forty years Tom Haskins rowed passengers across the lower river for the price of a bus ticket, and this autumn he finally decided that his shoulders had done enough. The crossing will close at the end of the month.",
        "He remembers carrying schoolchildren, vets on their way to farms on the far bank, and once a piano, strapped across two boats lashed together. He remembers the winter the river froze at the edges and he had to break the ice with an oar.",
        ("quote", QUOTE),
        "He said that the river taught him to be patient, and that people in a hurry were the worst passengers, because the tide does not care how late you are.",
    ]),
    ("08-tomatoes", "en", "Growing tomatoes on a north-facing balcony", "July 22, 2024", [
        "Everyone says that tomatoes need full sun, and everyone is right, but a north-facing balcony is what we have, so this year we tried anyway with three small varieties bred for cooler summers.",
        "We started the seeds indoors in March, moved the plants outside in late May and fed them every week with a diluted liquid feed. The cherry tomatoes cropped well from August; the larger plum variety produced six fruits in total, all of them delicious.",
        ("h2", WHY),
        "Not everyone has a garden, and a balcony that faces the wrong way is not a reason to give up. Choosing varieties carefully matters more than the compass.",
    ]),
    ("09-library", "en", "The library that used to be a mill", "November 5, 2024", [
        "The town library moved into the old flour mill twelve years ago, and the building still shapes how people use it. The reading room is on the top floor, under the beams where the grain was once stored, and the children's section is beside the wheel pit.",
        TOWN,
        "The librarians say that visitors come for the building and stay for the books, and the figures back them up: borrowing has doubled since the move, and the Saturday storytelling sessions are full every week.",
        "Next spring the library will open the wheel pit itself, with a glass floor, so that children can look down at the machinery that once turned the millstones.",
    ]),
    ("10-stars", "en", "Winter stars from a dark field", "December 12, 2024", [
        "On the first clear night of December we drove ten minutes out of town, past the last streetlight, and lay on a groundsheet in a field that the farmer lets us use in exchange for a jar of honey.",
        "Orion was rising over the hedge, and with binoculars the nebula in his sword showed as a soft grey smudge. Higher up, the Pleiades were a tight knot of blue, far more than the seven stars the old stories promise.",
        ("h2", WHY),
        "Most people now live where the sky never gets properly dark. Ten minutes in a car is a small price for seeing the Milky Way with your own eyes, and children who see it once tend to remember it.",
    ]),
    ("11-marche", "fr", "Le marché aux fleurs du dimanche", "14 avril 2024", [
        "Chaque dimanche matin, les horticulteurs de la vallée installent leurs tréteaux sur le quai, et pendant quelques heures la promenade sent la terre mouillée et le lilas.",
        "On y trouve des plants de tomates, des pivoines en boutons et des herbes aromatiques que les vendeurs vous font sentir avant que vous ayez demandé quoi que ce soit. Les prix sont raisonnables et les conseils sont gratuits.",
        "Le marché existe depuis plus de cinquante ans. Il a survécu aux inondations de 1982, à la construction du pont neuf et aux supermarchés, parce que les habitants tiennent à ce rendez-vous autant qu'aux fleurs elles-mêmes.",
    ]),
    ("12-wanderweg", "de", "Auf dem alten Treidelpfad", "2. Juni 2024", [
        "Der alte Treidelpfad folgt dem Fluss auf fast dreißig Kilometern, und früher zogen hier Pferde die Lastkähne stromaufwärts. Heute gehört der Weg den Radfahrern, den Spaziergängern und den Anglern am frühen Morgen.",
        "Wir sind an einem Samstag im Juni losgegangen und haben in einem Gasthof übernachtet, dessen Wirtin uns erzählte, dass ihr Großvater noch mit den Treidelpferden gearbeitet hat.",
        "Am zweiten Tag regnete es, aber der Weg ist gut befestigt, und die Wälder am Ufer boten genug Schutz. Wer Ruhe sucht, findet sie hier eher als an der Küste.",
    ]),
]

ABOUT = (
    "Riverside Notes is a small blog written by a few friends who live along the lower river. "
    "We write about the things we make, grow, mend and walk past, and we publish whenever one of us "
    "has something worth saying."
)
WHERE = (
    "We write from a market town at the head of the estuary, where the river stops being a river "
    "and starts becoming the sea."
)
# Three promos take turns, each on a third of the pages.
PROMOS = [
    (
        "If you liked reading this, you might enjoy the letter we send on the first Sunday of each month. "
        "It gathers the month's pieces with a few notes that did not make it into them, and it is free."
    ),
    (
        "We are running a small repair café in the old boathouse on the last Saturday of every month. "
        "Bring a lamp, a toaster or a jumper with a hole in it, and one of us will help you fix it."
    ),
    (
        "Our printed almanac for next year is nearly ready, with a walk, a recipe and a small project for "
        "every month, and you can reserve a copy at the bookshop on the high street."
    ),
]
# Guest pieces carry no author bio: the bio is on ten pages of twelve.
NO_BIO = {"06-radio", "11-marche"}
BIO = (
    "Margaret Ellery has lived by the river for most of her life and has written for this blog since "
    "it began. Before that she taught chemistry at the grammar school for thirty years, which explains "
    "her fondness for experiments that go slightly wrong and her habit of writing everything down in "
    "notebooks. She keeps bees, mends bicycles badly and radios rather well, and she answers every "
    "letter that readers send her, even the ones that disagree with her."
)
MISSION = (
    "We believe that mending a chair teaches more than buying a new one, that a town is made by the "
    "people who walk its streets, and that good writing about ordinary things is worth the time it takes."
)
LEGAL = (
    "The texts and photographs on these pages are our own and may be quoted with a link back, but "
    "please ask before reprinting a whole piece. We test what we describe as well as we can, yet we "
    "cannot answer for what happens in your kitchen, garden or workshop, so use your own judgement "
    "and follow the instructions that came with your tools."
)


def block_html(b):
    if isinstance(b, tuple):
        kind, text = b
        if kind == "h2":
            return f"<h2>{html.escape(text)}</h2>"
        return f"<blockquote><p>{html.escape(text)}</p></blockquote>"
    return f"<p>{html.escape(b)}</p>"


def page(i, a):
    slug, lang, title, date, blocks = a
    body = "\n".join(block_html(b) for b in blocks)
    year = 2015 + i
    reads = 137 * (i + 3) + i * i * 991
    bio = "" if slug in NO_BIO else f'<div class="who"><p>{html.escape(BIO)}</p></div>'
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)} - Riverside Notes</title></head>
<body>
<div class="top"><a href="/">Riverside Notes</a></div>
<div class="links"><a href="/">Home</a> <a href="/essays">Essays</a> <a href="/kitchen">Kitchen</a> <a href="/workshop">Workshop</a> <a href="/about">About</a></div>
<div class="wrap">
<div class="col-a">
<h1>{html.escape(title)}</h1>
<p class="when">{html.escape(date)}</p>
{body}
<p>{html.escape(PROMOS[i % 3])}</p>
{bio}
</div>
<div class="col-b">
<h3>About this blog</h3>
<p>{html.escape(ABOUT)}</p>
<h3>Where we write from</h3>
<p>{html.escape(WHERE)}</p>
</div>
</div>
<div class="lower">
<p>{html.escape(MISSION)}</p>
<p>{html.escape(LEGAL)}</p>
<p>This page has been read {reads:,} times. © {year} Riverside Notes.</p>
</div>
</body></html>
"""


def truth(a):
    _, _, title, _, blocks = a
    lines = [title] + [b[1] if isinstance(b, tuple) else b for b in blocks]
    return "\n".join(lines) + "\n"


def main():
    os.makedirs("pages", exist_ok=True)
    os.makedirs("truth", exist_ok=True)
    for i, a in enumerate(ARTICLES):
        with open(f"pages/{a[0]}.html", "w", encoding="utf-8") as f:
            f.write(page(i, a))
        with open(f"truth/{a[0]}.txt", "w", encoding="utf-8") as f:
            f.write(truth(a))


if __name__ == "__main__":
    main()
